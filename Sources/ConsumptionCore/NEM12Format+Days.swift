/// A day's 300 record (read in one pass when it is plain), its 400 records (its qualities interval by interval)
/// and its close: the day counted once nothing after it can change it, its intervals kept only when it has all of
/// them.
extension NEM12Format {
    /// `300,IntervalDate,IntervalValue1..n,QualityMethod,ReasonCode,ReasonDescription,UpdateDateTime,
    /// MSATSLoadDateTime`
    func readDay(line: Int, output: ParseOutput) {
        guard sawChannel else { return outOfOrder("a 300 record before any 200 record", line: line, output: output) }
        guard let channel else { return }
        let count = channel.intervalsPerDay
        guard fields.count == count + 7 else {
            output.fail(
                .nem12FieldCount, line: line, column: nil,
                "expected \(count) interval values (\(count + 7) fields) for the channel's interval length, "
                    + "found \(fields.count) fields")
            return
        }
        var valid = true
        let date = Self.date(fields[1])
        if date == nil {
            output.fail(
                .invalidDate, line: line, column: "IntervalDate", field: fields[1],
                "not a calendar date written YYYYMMDD")
            valid = false
        } else if let date, !output.inWindow(date, line: line, column: "IntervalDate", field: fields[1]) {
            valid = false
        }
        guard let quality = IntervalQuality(fields[count + 2]) else {
            output.fail(
                .nem12Quality, line: line, column: "QualityMethod", field: fields[count + 2],
                "not a quality method (A, N, V, or E, F or S with a two-digit method)")
            return
        }
        var dayValues = Self.take(&values)
        defer { values = dayValues }
        if quality == .variable { qualities = Array(repeating: .actual, count: count) }
        // Plain records took `readPlainDay`: this is the path of the others, every field read in full.
        for index in 0..<count {
            let field = fields[index + 2]
            guard !field.isEmpty else {
                dayValues.append(Self.empty)
                continue
            }
            let value = kilowattHours(field, channel: channel, line: line, column: index + 1, output: output)
            valid = valid && value != nil
            dayValues.append(value ?? 0)
        }
        day = Day(
            date: date ?? CalendarDate(daysSinceEpoch: 0), line: line, quality: quality == .variable ? nil : quality,
            valid: valid)
    }

    /// A 300 record read in one pass, true when it was plain: every value a non-negative decimal that converts to
    /// kWh exactly under the ceiling (or is empty), a valid date in the window, a quality method, the right number
    /// of fields, no quotes. False leaves nothing changed but the scratch values, for the general path.
    func readPlainDay(
        _ record: UnsafeBufferPointer<UInt8>, channel: NEM12Channel, line: Int, output: ParseOutput
    ) -> Bool {
        guard let bytes = record.baseAddress else { return false }
        let end = record.count
        let count = channel.intervalsPerDay
        guard end > 13, bytes[12] == Self.comma, let date = Self.date(UnsafeBufferPointer(rebasing: record[4..<12])),
            !(date < output.rules.earliestDate || output.rules.latestDate < date)
        else { return false }
        var dayValues = Self.take(&values)
        defer { values = dayValues }
        let ceiling = output.ceilingUnits
        let converts = channel.unit != .kWh
        var position = 13
        for _ in 0..<count {
            guard position < end else { return false }
            if bytes[position] == Self.comma {
                dayValues.append(Self.empty)
                position += 1
                continue
            }
            guard let (units, next) = DecimalField.plainValue(bytes, from: position, to: end, terminator: Self.comma)
            else { return false }
            var kilowattHours = units
            if converts {
                guard case .success(let converted) = channel.unit.kilowattHourUnits(units) else { return false }
                kilowattHours = converted
            }
            guard kilowattHours <= ceiling else { return false }
            dayValues.append(kilowattHours)
            position = next
        }
        // The quality method, then exactly four more fields.
        guard position < end else { return false }
        var qualityEnd = position
        while qualityEnd < end && bytes[qualityEnd] != Self.comma { qualityEnd += 1 }
        guard let quality = IntervalQuality(UnsafeBufferPointer(rebasing: record[position..<qualityEnd])) else {
            return false
        }
        var commas = 0
        for index in qualityEnd..<end {
            if bytes[index] == Self.comma { commas += 1 } else if bytes[index] == UInt8(ascii: "\"") { return false }
        }
        guard commas == 4 else { return false }
        sawChannel = true
        if quality == .variable { qualities = Array(repeating: .actual, count: count) }
        day = Day(date: date, line: line, quality: quality == .variable ? nil : quality)
        return true
    }

    /// `400,StartInterval,EndInterval,QualityMethod,ReasonCode,ReasonDescription`: the quality of intervals
    /// `start...end` of the day before, in order and without gaps.
    func readEvent(line: Int, output: ParseOutput) {
        guard var held = day, held.variable else {
            // A refused channel's days are not held: its 400 records have nothing to add to.
            if sawChannel && channel == nil { return }
            return outOfOrder("a 400 record that follows no 300 record of quality V", line: line, output: output)
        }
        guard fields.count == 6 else {
            day?.valid = false
            return fieldCount(expected: 6, line: line, output: output)
        }
        let count = values.count
        guard let start = Int(String(decoding: fields[1], as: UTF8.self)),
            let end = Int(String(decoding: fields[2], as: UTF8.self)), start == held.covered + 1, start <= end,
            end <= count
        else {
            day?.valid = false
            output.fail(
                .nem12EventRange, line: line, column: "StartInterval", field: fields[1],
                "intervals \(String(decoding: fields[1], as: UTF8.self))-\(String(decoding: fields[2], as: UTF8.self))"
                    + " do not go on from interval \(held.covered + 1) within the day's \(count)")
            return
        }
        guard let quality = IntervalQuality(fields[3]), quality != .variable else {
            day?.valid = false
            output.fail(
                .nem12Quality, line: line, column: "QualityMethod", field: fields[3],
                "not a quality method (A, N, or E, F or S with a two-digit method)")
            return
        }
        for index in (start - 1)..<end { qualities[index] = quality }
        held.covered = end
        day = held
    }

    /// Counts the held day, once nothing after it can change it.
    func closeDay(_ output: ParseOutput) {
        guard var held = day, let channel else { return }
        day = nil
        let count = values.count
        if held.variable && held.covered != count {
            output.fail(
                .nem12EventRange, line: held.line, column: "QualityMethod",
                "quality V, and the 400 records after it give qualities to \(held.covered) of its \(count) intervals")
            held.valid = false
        }
        var sum: Int128 = 0
        var notActual: Int128 = 0
        var present = 0
        for index in 0..<count where (held.quality ?? qualities[index]) != .null {
            let value = values[index]
            guard value != Self.empty else {
                output.fail(
                    .invalidNumber, line: held.line, column: "IntervalValue\(index + 1)",
                    "empty value of an interval whose quality is not N (null)")
                held.valid = false
                continue
            }
            present += 1
            sum += Int128(value)
            if (held.quality ?? qualities[index]) != .actual { notActual += Int128(value) }
        }
        guard held.valid else { return }
        let counted = channel.meter.withUnsafeBufferPointer { meter in
            output.isFirst(
                meter: meter, key: held.date.daysSinceEpoch, line: held.line, code: .duplicateMeterDay, column: "NMI")
        }
        guard counted else { return }
        var contribution = DaySummary()
        switch channel.role {
        case .consumption:
            contribution = DaySummary(total: ExactDecimal(units: sum), meters: 1, intervals: present)
            contribution.notActual = ExactDecimal(units: notActual)
            contribution.incomplete = present < count ? 1 : 0
        case .export:
            contribution.exported = ExactDecimal(units: sum)
            contribution.exportMeters = 1
        case .skipped:
            contribution.skippedChannels = 1
        }
        output.count(contribution, on: held.date)
        let flow: EnergyFlow
        switch channel.role {
        case .consumption: flow = .consumption
        case .export: flow = .export
        case .skipped: return
        }
        guard let sink = output.onMeterDay else { return }
        // The table keeps a day's intervals only when it has all of them: a gap is not a zero.
        let whole = present == count
        var flags: [QualityFlag]?
        let allActual = held.quality.map { $0 == .actual } ?? !qualities[0..<count].contains { $0 != .actual }
        if whole, !allActual {
            flags = (0..<count).compactMap { (held.quality ?? qualities[$0]).flag }
        }
        sink(
            MeterDay(
                meter: String(decoding: channel.meter, as: UTF8.self), date: held.date, value: ExactDecimal(units: sum),
                intervals: whole ? values.map { ExactDecimal(units: Int128($0)) } : nil,
                line: held.line, flow: flow, notActual: ExactDecimal(units: notActual),
                missingIntervals: count - present, qualities: flags))
    }
}
