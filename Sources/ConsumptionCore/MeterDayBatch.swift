/// Meter-days of a first pass held back a few rows, so that the repeat filter's cache line for each, requested
/// when the row is read, has arrived by the time it is checked: one cache miss a row, no longer waited for. Totals
/// do not depend on row order, so counting a row a few rows late changes nothing.
struct MeterDayBatch {
    static let capacity = 16

    struct Entry {
        let fingerprint: UInt64
        let key: Int
        let date: CalendarDate
        let value: Int128
        let intervals: Int
        let missing: Int
        let flow: EnergyFlow
        let meterStart: Int
        let meterCount: Int
    }

    private(set) var entries: [Entry] = []
    /// The meter ids, copied: the bytes they came from may be gone by the time the batch is checked.
    private var meterBytes: [UInt8] = []

    init() {
        entries.reserveCapacity(Self.capacity)
        meterBytes.reserveCapacity(Self.capacity * 16)
    }

    var isFull: Bool { entries.count >= Self.capacity }

    mutating func append(
        meter: UnsafeBufferPointer<UInt8>, key: Int, fingerprint: UInt64, date: CalendarDate, value: Int128,
        intervals: Int, missing: Int, flow: EnergyFlow
    ) {
        entries.append(
            Entry(
                fingerprint: fingerprint, key: key, date: date, value: value,
                intervals: intervals, missing: missing, flow: flow, meterStart: meterBytes.count,
                meterCount: meter.count))
        meterBytes.append(contentsOf: meter)
    }

    func meter(of entry: Entry) -> String {
        String(decoding: meterBytes[entry.meterStart..<entry.meterStart + entry.meterCount], as: UTF8.self)
    }

    mutating func removeAll() {
        entries.removeAll(keepingCapacity: true)
        meterBytes.removeAll(keepingCapacity: true)
    }
}
