import Testing

@testable import ConsumptionCore

/// A daily-values file: `keys` distinct meter-days, then the rows at `repeating` given again.
private func dailyFile(keys: Int, repeating: [Int] = []) -> [UInt8] {
    var lines = ["Meter,Date,Value"]
    for index in keys.indices(plus: repeating) {
        lines.append("M\(index % 500),\(CalendarDate(daysSinceEpoch: 18_000 + index / 500)),1")
    }
    return Array(lines.joined(separator: "\n").utf8)
}

extension Int {
    fileprivate func indices(plus repeats: [Int]) -> [Int] { Array(0..<self) + repeats }
}

/// Reads `bytes` through every pass, with a repeat guard of the given size.
private func read(_ bytes: [UInt8], guard limits: RepeatGuard.Limits, onMeterDay: ((MeterDay) -> Void)? = nil)
    -> MeterFileResult
{
    MeterFileReading.read(rules: testRules, repeatLimits: limits, onMeterDay: onMeterDay) { parser in
        feed(bytes, to: parser, chunkSize: 4096)
    }
}

@Suite("Repeats: a meter-day given twice is refused exactly, in bounded memory")
struct RepeatTests {
    @Test("a small file's repeats are refused at the line of the repeat, with both passes")
    func smallFile() {
        let result = read(dailyFile(keys: 1000, repeating: [7, 900]), guard: RepeatGuard.Limits())
        #expect(!result.isValid)
        #expect(result.report.errors.map(\.code) == [.duplicateMeterDay, .duplicateMeterDay])
        #expect(result.report.errors.map(\.line) == [1002, 1003])
        #expect(result.totals.meterDayCount == 1000)
    }

    @Test("a first pass alone is provisional: it counts suspects and says so")
    func firstPassIsProvisional() {
        let first = pass(dailyFile(keys: 10, repeating: [3]), check: .detect)
        #expect(first.result.report.isValid)
        #expect(first.result.repeatsToConfirm?.count == 1)
        #expect(!first.result.isValid)
    }

    @Test("past the exact table, a tiny filter flags many false suspects and the second pass clears them all")
    func filterFalseSuspectsAreCleared() {
        let bytes = dailyFile(keys: 5000)
        let first = pass(bytes, check: .detect)
        #expect(first.result.repeatsToConfirm == nil)  // the default guard holds 5000 keys exactly
        let tiny = RepeatGuard.Limits(exactKeys: 16, filterBytes: 64)
        let parser = MeterFileParser(rules: testRules, repeatCheck: .detect, repeatLimits: tiny, onMeterDay: nil)
        feed(bytes, to: parser, chunkSize: 4096)
        let suspects = parser.finish().repeatsToConfirm
        #expect((suspects?.count ?? 0) > 1000)
        let result = read(bytes, guard: tiny)
        #expect(result.isValid)
        #expect(result.totals.meterDayCount == 5000)
    }

    @Test("past the exact table, a real repeat is still refused exactly")
    func filterRealRepeat() {
        let result = read(
            dailyFile(keys: 3000, repeating: [2999, 12]), guard: RepeatGuard.Limits(exactKeys: 100, filterBytes: 4096))
        #expect(result.report.errors.map(\.line) == [3002, 3003])
        #expect(result.report.errorCount == 2)
    }

    @Test("more suspects than can be kept, none confirmed: refused, never trusted")
    func overflowWithoutRepeats() {
        let result = read(dailyFile(keys: 2000), guard: RepeatGuard.Limits(exactKeys: 4, filterBytes: 64, suspects: 10))
        #expect(result.report.errors.map(\.code) == [.repeatCheckOverflow])
    }

    @Test("more suspects than can be kept, some confirmed: the confirmed repeats are reported")
    func overflowWithRepeats() {
        let result = read(
            dailyFile(keys: 2000, repeating: Array(0..<50)),
            guard: RepeatGuard.Limits(exactKeys: 4000, filterBytes: 64, suspects: 10))
        #expect(result.report.countsByCode == [.duplicateMeterDay: 10])
    }

    @Test("meter-days reach the sink only once the file is known valid, once each")
    func sinkSeesOnlyValidFiles() {
        var valid: [MeterDay] = []
        _ = read(dailyFile(keys: 30), guard: RepeatGuard.Limits(exactKeys: 2, filterBytes: 64)) { valid.append($0) }
        #expect(valid.count == 30)
        var invalid: [MeterDay] = []
        _ = read(dailyFile(keys: 30, repeating: [1]), guard: RepeatGuard.Limits()) { invalid.append($0) }
        #expect(invalid.isEmpty)
    }
}
