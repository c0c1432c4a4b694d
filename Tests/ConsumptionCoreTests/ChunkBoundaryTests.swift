import ConsumptionCore
import Testing

/// Files whose rows, numbers, quoted fields, CRLFs and gzip blocks will straddle chunk boundaries.
private let corpus: [(name: String, bytes: [UInt8])] = {
    let wide =
        ([wideHeader(288)]
        + (0..<30).map { row in
            wideRow("M\(row % 11)", "2019-03-\(10 + row / 11)", "\(row % 4).\(row)7", count: 288)
        }).joined(separator: "\r\n")
    let messy =
        "\u{FEFF}Meter;\"Date\";Value\r\n\"a;\"\"b\"\"\";2019-01-01;1.5\r\nB;2019-01-01;x\r\n"
        + "\"multi\nline\";2019-01-01;2\r\nC;2019-02-30;1\r\nD;2019-01-01;0.0000001\r\n\r\n"
    let timestamped =
        "Meter,Timestamp,Value\n"
        + (0..<200).map { index in
            "M\(index % 3),2019-01-0\(1 + index % 5) \(10 + index % 13):\(10 + index % 40),0.\(index)"
        }.joined(separator: "\n")
    let long = "Meter,Date,Value\nA,2019-01-01,\"" + String(repeating: "7", count: 70_000) + "\"\nB,2019-01-01,3\n"
    return [
        ("wide-288-crlf", Array(wide.utf8)),
        ("messy-semicolon", Array(messy.utf8)),
        ("timestamped", Array(timestamped.utf8)),
        ("wide-gzip", gzipped(Array(wide.utf8))),
        ("record-too-long", Array(long.utf8)),
        ("unterminated-quote", Array("Meter,Date,Value\nA,2019-01-01,1\nB,\"2019-01-01,2\n".utf8)),
    ]
}()

@Suite("Chunk boundaries: any chunking gives the whole-buffer result")
struct ChunkBoundaryTests {
    @Test("chunks of 1, 2, 7, 4096 bytes and 1 MiB", arguments: [1, 2, 7, 4096, 1 << 20])
    func chunking(chunkSize: Int) {
        for (name, bytes) in corpus {
            let whole = parse(bytes, chunkSize: bytes.count + 1)
            let chunked = parse(bytes, chunkSize: chunkSize)
            #expect(chunked.result.totals == whole.result.totals, "\(name)")
            #expect(chunked.result.report == whole.result.report, "\(name)")
            #expect(chunked.meterDays == whole.meterDays, "\(name)")
            #expect(chunked.result.lines == whole.result.lines, "\(name)")
            #expect(chunked.result.rows == whole.result.rows, "\(name)")
        }
    }

    @Test("the corpus itself is what the test says: valid where valid, refused where not")
    func corpusIsMeaningful() {
        let wide = parse(corpus[0].bytes)
        #expect(wide.result.report.isValid)
        #expect(wide.result.totals.meterDayCount == 30)
        #expect(
            parse(corpus[1].bytes).codes == [.invalidNumber, .meterControlCharacter, .invalidDate, .tooManyDecimals])
        #expect(parse(corpus[3].bytes).result.totals == wide.result.totals)
        #expect(parse(corpus[4].bytes).codes == [.recordTooLong])
        #expect(parse(corpus[5].bytes).codes == [.unterminatedQuote])
    }
}
