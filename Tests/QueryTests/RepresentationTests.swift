import Testing

@testable import Query

/// CSV and TSV answers as a spreadsheet opens them: meter ids from tenants' files never run as formulas, and numbers
/// stay numbers.
@Suite struct RepresentationTests {
    @Test(arguments: ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\r=1", "-", "=", "-1.", "+.5"])
    func aFieldASpreadsheetWouldRunIsWrittenAsText(_ meter: String) {
        #expect(Representation.spreadsheetSafe(meter) == "'" + meter)
    }

    @Test(arguments: ["NMI1000001", "-1.5", "+2", "0.125", "12", "a=b", "MTR/1 é+%", ""])
    func numbersAndOrdinaryIdsAreLeftAlone(_ text: String) {
        #expect(Representation.spreadsheetSafe(text) == text)
    }

    @Test func aTableEscapesThenQuotes() {
        let csv = String(
            decoding: Representation.csv.table(header: ["meter", "value"], rows: [["=1,2", "-3.5"]]), as: UTF8.self)
        #expect(csv == "meter,value\r\n\"'=1,2\",-3.5\r\n")
        let tsv = String(
            decoding: Representation.tsv.table(header: ["meter", "value"], rows: [["\t=1", "-3.5"]]), as: UTF8.self)
        #expect(tsv == "meter\tvalue\r\n' =1\t-3.5\r\n")
    }
}
