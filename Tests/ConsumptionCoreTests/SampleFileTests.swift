import ConsumptionCore
import Foundation
import Testing

/// ../shared/samples beside the repository: meter files with totals computed by their generator.
private let samplesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("../shared/samples").standardizedFileURL

private let samplesPresent = FileManager.default.fileExists(atPath: samplesDirectory.path)

@Suite("Shared samples: our totals equal the generator's, digit for digit")
struct SampleFileTests {
    @Test(
        "each sample's totals",
        .enabled(if: samplesPresent, "../shared/samples is absent: the sample files cannot be checked"),
        arguments: [
            ("wide-48-k3.csv", "wide-48-k3.totals.csv"),
            ("wide-48-integers.csv", "wide-48-integers.totals.csv"),
            ("wide-48-k3.csv.gz", "wide-48-k3-gz.totals.csv"),
        ])
    func sample(file: String, totalsFile: String) throws {
        let bytes = try [UInt8](Data(contentsOf: samplesDirectory.appendingPathComponent(file)))
        let expected = try String(contentsOf: samplesDirectory.appendingPathComponent(totalsFile), encoding: .utf8)
            .split(whereSeparator: \.isNewline).compactMap { line -> (String, ExactDecimal)? in
                let parts = line.split(separator: ",")
                guard parts.count == 2, let total = ExactDecimal(String(parts[1])) else { return nil }
                return (String(parts[0]), total)
            }
        #expect(!expected.isEmpty)
        for chunkSize in [7, 1 << 20] {
            let parsed = parse(bytes, chunkSize: chunkSize)
            #expect(parsed.result.report.isValid)
            let totals = parsed.result.totals.sortedDays.map { ($0.date.description, $0.summary.total) }
            #expect(totals.map(\.0) == expected.map(\.0))
            #expect(totals.map(\.1) == expected.map(\.1))
        }
    }
}
