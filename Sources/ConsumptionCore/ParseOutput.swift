/// What a parse accumulates, shared by the record formats: totals, errors, repeats seen, and the caller's sink.
final class ParseOutput {
    let rules: ValidationRules
    let onMeterDay: ((MeterDay) -> Void)?
    var report = ValidationReport()
    var dataRows = 0

    /// Final once `finishRows()` has run.
    private(set) var totals = DailyTotals()
    private let repeatCheck: RepeatCheck
    private let repeatGuard: RepeatGuard
    private var suspects: Set<RepeatKey> = []
    /// A first pass with no sink checks repeats a batch at a time (see `MeterDayBatch`).
    private let batchesRepeatChecks: Bool
    private var batch = MeterDayBatch()
    private var suspectsOverflowed = false
    private var suspectsSeen: Set<RepeatKey> = []
    let ceilingUnits: Int64
    /// The zip member being read, named in every error (lines are counted per member).
    var member: String?
    /// The unit the file's values are written in (a CSV file's header or the rules say); values are counted in kWh.
    var unit: EnergyUnit
    /// Rows of one file mostly share their date with the row before: sum them here, touch the dictionary once.
    private var runDate: CalendarDate?
    private var runSummary = DaySummary()

    init(rules: ValidationRules, repeatCheck: RepeatCheck, repeatGuard: RepeatGuard, onMeterDay: ((MeterDay) -> Void)?)
    {
        self.rules = rules
        self.repeatCheck = repeatCheck
        self.repeatGuard = repeatGuard
        self.onMeterDay = onMeterDay
        if case .detect = repeatCheck, onMeterDay == nil {
            batchesRepeatChecks = true
        } else {
            batchesRepeatChecks = false
        }
        unit = rules.unit
        let ceiling = rules.intervalCeiling.units
        ceilingUnits = ceiling > Int128(Int64.max) ? Int64.max : Int64(ceiling)
    }

    var wantsMeterDays: Bool { onMeterDay != nil }

    func fail(
        _ code: ValidationErrorCode, line: Int, column: String?, field: UnsafeBufferPointer<UInt8>, _ message: String
    ) {
        let excerpt = ValidationError.excerpt(field, from: 0, to: field.count)
        report.record(
            ValidationError(code: code, line: line, column: column, excerpt: excerpt, message: inMember(message)))
    }

    func fail(_ code: ValidationErrorCode, line: Int, column: String?, _ message: String) {
        report.record(ValidationError(code: code, line: line, column: column, excerpt: "", message: inMember(message)))
    }

    private func inMember(_ message: String) -> String {
        member.map { "in \($0.prefix(100)): \(message)" } ?? message
    }

    /// Whether a parsed value may be counted: not negative unless allowed, not above the ceiling.
    @inline(__always)
    func isPlausible(_ units: Int64) -> Bool {
        units <= ceilingUnits && (units >= 0 || rules.allowNegative) && -units <= ceilingUnits
    }

    /// The value of a field, or nil after recording why it is not one.
    func value(of field: FieldCursor.Field, line: Int, column: String) -> Int64? {
        guard case .text(let bytes) = field else { return malformed(field, line: line, column: column) }
        switch DecimalField.parse(bytes, from: 0, to: bytes.count) {
        case .value(let written):
            let units: Int64
            switch unit.kilowattHourUnits(written) {
            case .success(let converted):
                units = converted
            case .failure(let problem):
                let refusal = unit.refusal(problem)
                fail(refusal.code, line: line, column: column, field: bytes, refusal.message)
                return nil
            }
            if units < 0 && !rules.allowNegative {
                fail(.negativeValue, line: line, column: column, field: bytes, "negative values are not allowed")
                return nil
            }
            guard isPlausible(units) else {
                fail(
                    .valueAboveCeiling, line: line, column: column, field: bytes,
                    "above the ceiling of \(rules.intervalCeiling) kWh")
                return nil
            }
            return units
        case .invalid:
            let message = bytes.isEmpty ? "empty value" : "not a plain decimal number"
            fail(.invalidNumber, line: line, column: column, field: bytes, message)
        case .tooManyDecimals:
            fail(
                .tooManyDecimals, line: line, column: column, field: bytes,
                "more than \(ExactDecimal.fractionDigits) decimal places")
        case .tooLarge:
            fail(
                .valueAboveCeiling, line: line, column: column, field: bytes,
                "above the ceiling of \(rules.intervalCeiling) kWh")
        }
        return nil
    }

    /// The meter id of a field, or nil after recording why it is not one.
    func meter(of field: FieldCursor.Field, line: Int, column: String) -> UnsafeBufferPointer<UInt8>? {
        guard case .text(let bytes) = field else { return malformed(field, line: line, column: column) }
        guard let problem = MeterID.problem(bytes) else { return bytes }
        let message: String
        switch problem {
        case .meterEmpty: message = "empty meter id"
        case .meterTooLong: message = "meter id longer than \(MeterID.maxBytes) bytes"
        case .meterInvalidUTF8: message = "meter id is not valid UTF-8"
        default: message = "meter id contains a control character"
        }
        fail(problem, line: line, column: column, field: bytes, message)
        return nil
    }

    /// The flow a direction field names (`import`, `consumption`, `export`, any case), or nil after recording why.
    func flow(of field: FieldCursor.Field, line: Int, column: String) -> EnergyFlow? {
        guard case .text(let bytes) = field else { return malformed(field, line: line, column: column) }
        switch String(decoding: bytes, as: UTF8.self).lowercased() {
        case "import", "consumption": return .consumption
        case "export": return .export
        default:
            fail(.unknownDirection, line: line, column: column, field: bytes, "not import, consumption or export")
            return nil
        }
    }

    /// The date of a `YYYY-MM-DD` field, or nil after recording why it is not one.
    func date(of field: FieldCursor.Field, line: Int, column: String) -> CalendarDate? {
        guard case .text(let bytes) = field else { return malformed(field, line: line, column: column) }
        guard bytes.count == 10, let date = CalendarDate.parse(bytes, at: 0) else {
            fail(.invalidDate, line: line, column: column, field: bytes, "not a calendar date written YYYY-MM-DD")
            return nil
        }
        return inWindow(date, line: line, column: column, field: bytes) ? date : nil
    }

    func inWindow(_ date: CalendarDate, line: Int, column: String, field: UnsafeBufferPointer<UInt8>) -> Bool {
        guard date < rules.earliestDate || rules.latestDate < date else { return true }
        fail(
            .dateOutOfRange, line: line, column: column, field: field,
            "outside \(rules.earliestDate)...\(rules.latestDate)")
        return false
    }

    private func malformed<T>(_ field: FieldCursor.Field, line: Int, column: String) -> T? {
        if case .malformed(let bytes) = field {
            fail(.malformedQuotes, line: line, column: column, field: bytes, "a quoted field must end with its quote")
        }
        return nil
    }

    /// Records a wrong number of fields.
    func columnCount(line: Int, expected: Int, found: Int) {
        fail(.columnCount, line: line, column: nil, "expected \(expected) fields, found \(found)")
    }

    /// Counts a meter-day unless its meter and date came earlier in the file. True when it was counted at once,
    /// so the caller may hand it on; a first pass with no sink counts it a little later, in a batch.
    func countMeterDay(
        meter: UnsafeBufferPointer<UInt8>, date: CalendarDate, value: Int128, intervals: Int, missing: Int = 0,
        flow: EnergyFlow = .consumption, line: Int,
        column: @autoclosure () -> String
    ) -> Bool {
        let key = date.daysSinceEpoch
        guard !batchesRepeatChecks else {
            let fingerprint = FingerprintSet.fingerprint(meter, key)
            repeatGuard.prefetch(fingerprint)
            batch.append(
                meter: meter, key: key, fingerprint: fingerprint, date: date, value: value, intervals: intervals,
                missing: missing, flow: flow)
            if batch.isFull { checkBatch() }
            return false
        }
        guard isFirst(meter: meter, key: key, line: line, code: .duplicateMeterDay, column: column()) else {
            return false
        }
        count(value, intervals: intervals, missing: missing, flow: flow, on: date)
        return true
    }

    private func checkBatch() {
        for entry in batch.entries {
            if repeatGuard.check(entry.fingerprint) != .first {
                suspect(RepeatKey(meter: batch.meter(of: entry), key: entry.key))
            }
            count(entry.value, intervals: entry.intervals, missing: entry.missing, flow: entry.flow, on: entry.date)
        }
        batch.removeAll()
    }

    private func suspect(_ key: RepeatKey) {
        if suspects.count < repeatGuard.limits.suspects {
            suspects.insert(key)
        } else {
            suspectsOverflowed = true
        }
    }

    /// False (after recording it) when the meter gave `key` before in this file. A first pass only suspects
    /// repeats (and counts the row); the confirming pass refuses them.
    func isFirst(
        meter: UnsafeBufferPointer<UInt8>, key: Int, line: Int, code: ValidationErrorCode,
        column: @autoclosure () -> String
    ) -> Bool {
        switch repeatCheck {
        case .alreadyChecked:
            return true
        case .detect:
            if repeatGuard.check(FingerprintSet.fingerprint(meter, key)) != .first {
                suspect(RepeatKey(meter: MeterID.string(meter), key: key))
            }
            return true
        case .confirm(let confirmation):
            let repeatKey = RepeatKey(meter: MeterID.string(meter), key: key)
            guard confirmation.keys.contains(repeatKey), !suspectsSeen.insert(repeatKey).inserted else { return true }
            fail(
                code, line: line, column: column(), field: meter,
                code == .duplicateMeterDay
                    ? "this meter and date appear earlier in the file"
                    : "this meter and timestamp appear earlier in the file")
            return false
        }
    }

    /// The suspects a first pass leaves for a second, if any.
    var repeatsToConfirm: RepeatConfirmation? {
        guard case .detect = repeatCheck, !suspects.isEmpty else { return nil }
        return RepeatConfirmation(keys: suspects, overflowed: suspectsOverflowed)
    }

    /// After a confirming pass over more suspects than were kept, none of which repeated: the file cannot be
    /// cleared, so it is refused rather than trusted.
    func refuseUnconfirmableRepeats() {
        guard case .confirm(let confirmation) = repeatCheck, confirmation.overflowed else { return }
        let repeats =
            report.countsByCode[.duplicateMeterDay, default: 0] + report.countsByCode[.duplicateReading, default: 0]
        guard repeats == 0 else { return }
        fail(
            .repeatCheckOverflow, line: 0, column: nil,
            "more than \(repeatGuard.limits.suspects) rows may repeat earlier keys and none was confirmed: split the file"
        )
    }

    /// Counts one meter-day into the totals (formats that gather meter-days check repeats themselves).
    @inline(__always)
    func count(
        _ value: Int128, intervals: Int, missing: Int = 0, flow: EnergyFlow = .consumption, on date: CalendarDate
    ) {
        if date != runDate {
            flushRun()
            runDate = date
        }
        switch flow {
        case .consumption:
            runSummary.add(ExactDecimal(units: value), intervals: intervals, incomplete: missing > 0)
        case .export:
            runSummary.exported += ExactDecimal(units: value)
            runSummary.exportMeters += 1
        }
    }

    /// Counts what one channel-day of a NEM12 file adds, whatever its channel: consumption, export or neither.
    func count(_ contribution: DaySummary, on date: CalendarDate) {
        if date != runDate {
            flushRun()
            runDate = date
        }
        runSummary = runSummary + contribution
    }

    /// Counts what is still held back; call once, after the last row.
    func finishRows() {
        checkBatch()
        flushRun()
    }

    private func flushRun() {
        if let date = runDate, runSummary != DaySummary() {
            totals.merge(date: date, runSummary)
        }
        runSummary = DaySummary()
    }
}
