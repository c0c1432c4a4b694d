import ConsumptionCore
import Testing

/// What keeps a file's cost bounded whatever it holds: a gzip stream may inflate only so far and so steeply, and a
/// timestamped file may gather only so many meter-days in memory. Each refusal is the file's error, never a crash.
@Suite struct LimitTests {
    @Test("a gzip bomb is refused by its inflation ratio after its first MiB, not inflated to the end")
    func gzipBomb() {
        let bomb = gzipped([UInt8](repeating: UInt8(ascii: "0"), count: 64 << 20))
        #expect(bomb.count < (64 << 20) / 500)
        let parsed = parse(bomb)
        #expect(parsed.codes.contains(.gzipRatio))
        #expect(parsed.result.contentBytes < 2 << 20)
    }

    @Test("a meter file that compresses as well as real ones do is not taken for a bomb")
    func wellCompressedFile() {
        let rows = (0..<20_000).map { wideRow("NMI\(100_000_000 + $0)", "2019-03-04", "0") }
        let text = ([wideHeader()] + rows).joined(separator: "\n") + "\n"
        let compressed = gzipped(Array(text.utf8))
        #expect(text.utf8.count > 2 << 20)
        #expect(text.utf8.count / compressed.count > 20)
        let parsed = parse(compressed)
        #expect(parsed.result.report.isValid)
        #expect(parsed.result.contentBytes == text.utf8.count)
    }

    @Test("a gzip stream that inflates past the size cap is refused there")
    func gzipTooLarge() {
        let rows = (0..<20_000).map { wideRow("M\($0)", "2019-03-04", "1.5") }
        let text = ([wideHeader()] + rows).joined(separator: "\n") + "\n"
        var rules = testRules
        rules.maxInflatedBytes = 1 << 20
        let parsed = parse(gzipped(Array(text.utf8)), rules: rules)
        #expect(parsed.codes == [.gzipTooLarge])
        #expect(parsed.result.contentBytes <= 1 << 20)
        #expect(parse(gzipped(Array(text.utf8))).result.report.isValid)
    }

    @Test("a timestamped file gathering more meter-days than the cap is refused once, at the first one over")
    func gatheredMeterDays() {
        let rows = (0..<12).map { "M\($0),2019-03-04 00:30,1" }
        let text = (["Meter,Timestamp,Value"] + rows).joined(separator: "\n")
        var rules = testRules
        rules.maxGatheredMeterDays = 10
        let refused = parse(text, rules: rules)
        #expect(refused.codes == [.tooManyMeterDays])
        #expect(refused.errors.first?.line == 12)
        rules.maxGatheredMeterDays = 12
        #expect(parse(text, rules: rules).result.report.isValid)
    }
}
