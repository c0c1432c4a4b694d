import ConsumptionCore
import Testing

/// One rule: a file that breaks it, and the error it must give.
struct RuleCase: CustomTestStringConvertible, Sendable {
    let code: ValidationErrorCode
    let text: String
    var line = 2
    var column: String? = nil
    var excerpt: String? = nil
    var rules = testRules

    var testDescription: String { code.rawValue }
}

private let header = "Meter,Date,Value"

@Suite("Validation: every rule refuses with a stable code, a line, a column and a short excerpt")
struct ValidationTests {
    static let cases: [RuleCase] = [
        RuleCase(code: .missingHeader, text: "", line: 0),
        RuleCase(code: .missingHeader, text: "\n\n", line: 0),
        RuleCase(code: .unknownColumn, text: "Meter,Date,Value,Quality\nA,2019-01-01,1,A", line: 1, column: "Quality"),
        RuleCase(code: .missingColumn, text: "Date,Value\n2019-01-01,1", line: 1, column: "Meter"),
        RuleCase(code: .missingColumn, text: "Meter,Value\nA,1", line: 1, column: "Date"),
        RuleCase(code: .duplicateColumn, text: "Meter,Date,Value,kWh\nA,2019-01-01,1,1", line: 1, column: "kWh"),
        RuleCase(code: .intervalsIncomplete, text: "Meter,Date,0:00,0:30\nA,2019-01-01,1,1", line: 1),
        RuleCase(
            code: .intervalsIncomplete,
            text: wideHeader().replacingFirst("1:00,1:30", with: "1:30,1:00") + "\n", line: 1),
        RuleCase(code: .noRows, text: header + "\n", line: 0),
        RuleCase(code: .columnCount, text: header + "\nA,2019-01-01"),
        RuleCase(code: .columnCount, text: header + "\nA,2019-01-01,1,2"),
        RuleCase(code: .columnCount, text: header + "\nA,2019-01-01,1,"),
        RuleCase(code: .meterEmpty, text: header + "\n,2019-01-01,1", column: "Meter"),
        RuleCase(code: .meterEmpty, text: header + "\n\"\",2019-01-01,1", column: "Meter"),
        RuleCase(
            code: .meterTooLong, text: header + "\n" + String(repeating: "m", count: 65) + ",2019-01-01,1",
            column: "Meter", excerpt: String(repeating: "m", count: 40) + "..."),
        RuleCase(
            code: .meterControlCharacter, text: header + "\nA\u{7}B,2019-01-01,1", column: "Meter", excerpt: "A?B"),
        RuleCase(code: .meterControlCharacter, text: header + "\nA\u{85}B,2019-01-01,1", column: "Meter"),
        RuleCase(code: .invalidDate, text: header + "\nA,2019-02-30,1", column: "Date", excerpt: "2019-02-30"),
        RuleCase(code: .invalidDate, text: header + "\nA,2019-13-01,1", column: "Date"),
        RuleCase(code: .invalidDate, text: header + "\nA,01/02/2019,1", column: "Date"),
        RuleCase(code: .dateOutOfRange, text: header + "\nA,1999-12-31,1", column: "Date"),
        RuleCase(code: .dateOutOfRange, text: header + "\nA,2027-01-02,1", column: "Date"),
        RuleCase(code: .invalidTimestamp, text: "Meter,Timestamp,Value\nA,2019-01-01 24:00,1", column: "Timestamp"),
        RuleCase(code: .invalidTimestamp, text: "Meter,Timestamp,Value\nA,2019-01-01 10:00Z,1", column: "Timestamp"),
        RuleCase(code: .invalidNumber, text: header + "\nA,2019-01-01,NaN", column: "Value", excerpt: "NaN"),
        RuleCase(code: .invalidNumber, text: header + "\nA,2019-01-01,Inf", column: "Value"),
        RuleCase(code: .invalidNumber, text: header + "\nA,2019-01-01,0x1F", column: "Value"),
        RuleCase(code: .invalidNumber, text: header + "\nA,2019-01-01,1e3", column: "Value"),
        RuleCase(code: .invalidNumber, text: header + "\nA,2019-01-01,\"1,000\"", column: "Value", excerpt: "1,000"),
        RuleCase(code: .invalidNumber, text: header + "\nA,2019-01-01,", column: "Value", excerpt: ""),
        RuleCase(code: .tooManyDecimals, text: header + "\nA,2019-01-01,0.1234567", column: "Value"),
        RuleCase(
            code: .tooManyDecimals, text: wideHeader() + "\n" + wideRow("A", "2019-01-01", "0.1234567"), column: "0:00"),
        RuleCase(
            code: .invalidNumber, text: wideHeader() + "\n" + wideRow("A", "2019-01-01", "0.123x"), column: "0:00",
            excerpt: "0.123x"),
        RuleCase(code: .invalidNumber, text: wideHeader() + "\n" + wideRow("A", "2019-01-01", "1.5e3"), column: "0:00"),
        RuleCase(code: .negativeValue, text: header + "\nA,2019-01-01,-1", column: "Value", excerpt: "-1"),
        RuleCase(code: .negativeValue, text: wideHeader() + "\n" + wideRow("A", "2019-01-01", "-0.5"), column: "0:00"),
        RuleCase(code: .valueAboveCeiling, text: header + "\nA,2019-01-01,10000.000001", column: "Value"),
        RuleCase(code: .valueAboveCeiling, text: header + "\nA,2019-01-01,99999999999999", column: "Value"),
        RuleCase(
            code: .duplicateMeterDay, text: header + "\nA,2019-01-01,1\nB,2019-01-01,1\nA,2019-01-01,2", line: 4,
            column: "Meter", excerpt: "A"),
        RuleCase(
            code: .duplicateReading,
            text: "Meter,Timestamp,Value\nA,2019-01-01 10:00,1\nA,2019-01-01T10:00:00,1", line: 3),
        RuleCase(code: .meterInvalidUTF8, text: header + "\nA\u{FFFF}B,2019-01-01,1", column: "Meter"),
        RuleCase(code: .malformedQuotes, text: header + "\n\"A\"x,2019-01-01,1", column: "Meter"),
        RuleCase(code: .unterminatedQuote, text: header + "\nA,2019-01-01,\"1"),
        RuleCase(
            code: .recordTooLong, text: header + "\nA,2019-01-01,\"" + String(repeating: "1", count: 70_000) + "\"\n"),
    ]

    @Test("each rule refuses its case", arguments: cases)
    func rule(_ rule: RuleCase) throws {
        var bytes = Array(rule.text.utf8)
        if rule.code == .meterInvalidUTF8 {
            // U+FFFF is valid UTF-8; make the bytes invalid (a lone continuation byte) instead.
            let marker = Array("\u{FFFF}".utf8)
            if let index = bytes.firstRange(of: marker) { bytes.replaceSubrange(index, with: [0x80]) }
        }
        let parsed = parse(bytes, rules: rule.rules)
        #expect(!parsed.result.report.isValid)
        let error = try #require(parsed.errors.first { $0.code == rule.code }, "codes: \(parsed.codes)")
        #expect(error.line == rule.line)
        if let column = rule.column { #expect(error.column == column) }
        if let excerpt = rule.excerpt { #expect(error.excerpt == excerpt) }
        #expect(error.excerpt.utf8.count <= ValidationError.maxExcerptBytes + 3)
        #expect(!error.message.isEmpty)
    }

    @Test("a refused row is not counted, the rows around it are")
    func refusedRowsAreNotCounted() {
        let parsed = parse(header + "\nA,2019-01-01,1\nB,2019-01-01,x\nC,2019-01-01,2\n")
        #expect(parsed.totals == ["2019-01-01": "3"])
        #expect(parsed.result.report.errorCount == 1)
        #expect(parsed.meterDays.map(\.meter) == ["A", "C"])
    }

    @Test("a 64 KB header field is quoted in at most 200 bytes, cut between characters")
    func longTextIsCapped() {
        let parsed = parse("Meter,Date," + String(repeating: "\u{E9}", count: 30_000) + "\nA,2019-01-01,1\n")
        let first = parsed.result.report.errors.first
        #expect(first?.code == .unknownColumn)
        #expect((first?.column?.utf8.count ?? 0) <= ValidationError.maxTextBytes)
        #expect((first?.message.utf8.count ?? 0) <= ValidationError.maxTextBytes)
        #expect(first?.column?.hasSuffix("\u{E9}...") == true)
    }

    @Test("negative values pass when the rules allow an export channel")
    func negativeAllowed() {
        var rules = testRules
        rules.allowNegative = true
        let parsed = parse(wideHeader() + "\n" + wideRow("A", "2019-01-01", "-0.5"), rules: rules)
        #expect(parsed.result.report.isValid)
        #expect(parsed.totals == ["2019-01-01": "-24"])
    }

    @Test("the ceiling and the date window come from the rules")
    func configurableLimits() {
        let rules = ValidationRules(
            today: CalendarDate("2026-01-01")!, intervalCeiling: ExactDecimal("2")!,
            earliestDate: CalendarDate("2019-01-02")!, latestDate: CalendarDate("2019-01-03")!)
        let parsed = parse(
            header + "\nA,2019-01-01,1\nA,2019-01-02,2\nA,2019-01-03,2.000001\nA,2019-01-04,1\n",
            rules: rules)
        #expect(parsed.codes == [.dateOutOfRange, .valueAboveCeiling, .dateOutOfRange])
        #expect(parsed.totals == ["2019-01-02": "2"])
    }

    @Test("the parser goes on after errors, keeps the first 100 and counts them all")
    func keepsFirstHundred() {
        let rows = (0..<250).map { "M\($0),2019-01-01,bad" }
        let parsed = parse(([header] + rows + ["Z,2019-01-01,1"]).joined(separator: "\n"))
        #expect(parsed.result.report.errorCount == 250)
        #expect(parsed.errors.count == 100)
        #expect(parsed.errors.last?.line == 101)
        #expect(parsed.result.report.countsByCode == [.invalidNumber: 250])
        #expect(parsed.totals == ["2019-01-01": "1"])
    }

    @Test("a corrupt or truncated gzip stream is refused, never crashes")
    func brokenGzip() {
        let compressed = gzipped(
            Array((header + "\nA,2019-01-01,1\n" + String(repeating: "B,2019-01-02,1\n", count: 50)).utf8))
        let truncated = Array(compressed.prefix(compressed.count / 2))
        #expect(parse(truncated).codes.contains(.gzipTruncated))
        var corrupt = compressed
        for index in 12..<min(40, corrupt.count) { corrupt[index] ^= 0x5A }
        #expect(parse(corrupt).codes.contains(.gzipCorrupt))
        #expect(parse([0x1F, 0x8B]).codes.contains(.gzipTruncated))
    }

    @Test("after a record too long to buffer, parsing resumes at the next line")
    func resumesAfterLongRecord() {
        let long = "A,2019-01-01," + String(repeating: "9", count: 70_000)
        let parsed = parse(header + "\n" + long + "\nB,2019-01-01,1\n", chunkSize: 4096)
        #expect(parsed.codes == [.recordTooLong])
        #expect(parsed.totals == ["2019-01-01": "1"])
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        var text = self
        guard let range = text.firstRange(of: target) else { return self }
        text.replaceSubrange(range, with: replacement)
        return text
    }
}
