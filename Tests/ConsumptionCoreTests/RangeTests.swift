import ConsumptionCore
import Testing

/// A valid wide or daily-values file cut where `RangePlan` says can be read range by range — the header record, then
/// one range's bytes — and gives the same meter-days, lines included, as the file read whole.
@Suite struct RangeTests {
    /// Quoted meter ids (one with a comma), CRLF line ends and a blank line: records are not lines.
    static let file: [UInt8] = {
        var lines = [wideHeader()]
        for index in 0..<230 {
            let meter = index % 17 == 0 ? "\"M,\(index)\"" : "M\(index)"
            lines.append(wideRow(meter, "2019-03-0\(index % 9 + 1)", "0.\(index % 1000)"))
            if index == 100 { lines.append("") }
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }()
    static let plan = RangePlan(bytes: 5_000, alignment: 10)

    static func read(_ bytes: [UInt8], plan: RangePlan? = nil, chunkSize: Int = 1 << 20, from start: RangeStart? = nil)
        -> (result: MeterFileResult, meterDays: [MeterDay])
    {
        var meterDays: [MeterDay] = []
        let parser = MeterFileParser(
            rules: testRules, repeatCheck: start == nil ? .detect : .alreadyChecked, rangePlan: plan
        ) { meterDays.append($0) }
        if let start {
            // The file's header record (everything before the first range), then the range.
            feed(Array(file[0..<whole.result.rangeStarts[0].offset]), to: parser, chunkSize: chunkSize)
            parser.continueAt(start)
        }
        feed(bytes, to: parser, chunkSize: chunkSize)
        return (parser.finish(), meterDays)
    }

    static let whole = read(file, plan: plan)

    @Test("ranges start at aligned rows, at least the plan's size apart, and do not depend on how the bytes arrive")
    func starts() {
        let starts = Self.whole.result.rangeStarts
        #expect(Self.whole.result.isValid)
        #expect(starts.count > 3)
        #expect(starts.first?.meterDay == 0)
        #expect(starts.allSatisfy { $0.meterDay % 10 == 0 })
        #expect(zip(starts, starts.dropFirst()).allSatisfy { $1.offset - $0.offset >= 5_000 })
        for chunkSize in [1, 7, 4096] {
            #expect(Self.read(Self.file, plan: Self.plan, chunkSize: chunkSize).result.rangeStarts == starts)
        }
    }

    @Test("each range read apart gives the whole file's meter-days in its place, lines and values included")
    func rangesReadApart() {
        let starts = Self.whole.result.rangeStarts
        var joined: [MeterDay] = []
        for (index, start) in starts.enumerated() {
            let end = index + 1 < starts.count ? starts[index + 1].offset : Self.file.count
            let range = Self.read(Array(Self.file[start.offset..<end]), chunkSize: 333, from: start)
            #expect(range.result.isValid)
            #expect(joined.count == start.meterDay)
            joined += range.meterDays
        }
        #expect(joined == Self.whole.meterDays)
        #expect(joined.count == 230)
    }

    @Test("a gzip or a timestamped file has no ranges")
    func unsplittable() {
        #expect(Self.read(gzipped(Self.file), plan: Self.plan).result.rangeStarts == [])
        let rows = (0..<500).map { "M\($0),2019-03-04 00:30,1" }
        let timestamped = Array((["Meter,Timestamp,Value"] + rows).joined(separator: "\n").utf8)
        #expect(Self.read(timestamped, plan: RangePlan(bytes: 100, alignment: 10)).result.rangeStarts == [])
    }
}
