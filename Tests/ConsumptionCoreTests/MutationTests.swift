import ConsumptionCore
import TestSupport
import Testing

/// Feeds `bytes` in chunks of random sizes between 1 and `maxChunk`.
private func parseInRandomChunks(_ bytes: [UInt8], maxChunk: Int, random: inout TestRandom) -> Parsed {
    let parser = MeterFileParser(rules: testRules, repeatCheck: .detect) { _ in }
    var start = 0
    while start < bytes.count {
        let end = min(bytes.count, start + Int.random(in: 1...maxChunk, using: &random))
        parser.feed(Array(bytes[start..<end]))
        start = end
    }
    return Parsed(result: parser.finish(), meterDays: [])
}

private let seedFiles: [[UInt8]] = [
    Array(
        (wideHeader(24) + "\r\n"
            + (0..<12).map { wideRow("M\($0)", "2019-05-0\($0 % 9 + 1)", "0.\($0)5", count: 24) }
            .joined(separator: "\r\n")).utf8),
    Array("\u{FEFF}Meter;Date;Value\n\"a;b\";2019-01-01;1.5\n\"c\"\"d\";2019-01-02;2\n".utf8),
    Array("Meter,Timestamp,Value\nA,2019-01-01 00:00,1\nA,2019-01-01T00:30:00,2\nB,2019-01-02 10:00,0.5\n".utf8),
    gzipped(Array("Meter,Date,Value\nA,2019-01-01,1\nB,2019-01-01,2\n".utf8)),
]

@Suite("Robustness: no input crashes the parser, and chunking never changes the answer")
struct MutationTests {
    @Test("random chunk sizes give the whole-buffer result")
    func randomChunks() {
        var random = TestRandom(seed: 7)
        for bytes in seedFiles {
            let whole = pass(bytes, chunkSize: bytes.count + 1, check: .detect)
            for maxChunk in [3, 17, 300] {
                let chunked = parseInRandomChunks(bytes, maxChunk: maxChunk, random: &random)
                #expect(chunked.result.totals == whole.result.totals)
                #expect(chunked.result.report == whole.result.report)
                #expect(chunked.result.lines == whole.result.lines)
            }
        }
    }

    @Test("3,000 mutated files (bytes flipped, inserted, deleted, cut) parse without a trap, chunked or whole")
    func mutatedFiles() {
        var random = TestRandom(seed: 2024)
        let specials: [UInt8] = Array("\",;\t\r\n.-0123456789:TZeE+ ".utf8) + [0x00, 0x1F, 0x8B, 0xC3, 0xFF]
        for round in 0..<3000 {
            var bytes = seedFiles[round % seedFiles.count]
            for _ in 0..<Int.random(in: 1...6, using: &random) where !bytes.isEmpty {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[index] = specials.randomElement(using: &random) ?? 0
                case 1: bytes.insert(specials.randomElement(using: &random) ?? 0, at: index)
                case 2: bytes.remove(at: index)
                default: bytes.removeSubrange(index...)
                }
            }
            let whole = pass(bytes, chunkSize: bytes.count + 1, check: .detect)
            let chunked = parseInRandomChunks(bytes, maxChunk: 5, random: &random)
            #expect(chunked.result.totals == whole.result.totals, "round \(round)")
            #expect(chunked.result.report == whole.result.report, "round \(round)")
            if whole.result.report.errorCount > 0 { #expect(!whole.result.isValid) }
        }
    }
}
