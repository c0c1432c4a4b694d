import ConsumptionCore
import Testing

/// NEM12 files made to the rule each test names (the public samples are checked in Tests/Differential).
@Suite struct NEM12Tests {
    /// A NEM12 file: its 100 record, `records` with a 30-minute day written as `day(...)`, and a 900.
    func file(_ records: [String], end: Bool = true) -> String {
        (["100,NEM12,202401020300,MDP1,RETAILER"] + records + (end ? ["900"] : [])).joined(separator: "\r\n") + "\r\n"
    }

    func channel(_ suffix: String = "E1", unit: String = "kWh", minutes: Int = 30, nmi: String = "6123456789")
        -> String
    {
        "200,\(nmi),E1B1,1,\(suffix),N1,METER1,\(unit),\(minutes),20240301"
    }

    func day(_ date: String = "20240102", values: [String], quality: String = "A") -> String {
        "300,\(date),\(values.joined(separator: ",")),\(quality),,,20240103120000,20240103130000"
    }

    let halfHours = Array(repeating: "0.5", count: 48)

    @Test func importIsConsumptionExportIsApartAndReactiveIsSkipped() throws {
        let parsed = parse(
            file([
                channel("E1"), day(values: halfHours), channel("B1"), day(values: Array(repeating: "0.25", count: 48)),
                channel("Q1", unit: "kVArh"), day(values: halfHours),
            ]))
        #expect(parsed.result.isValid && parsed.result.format == .nem12)
        let summary = try #require(parsed.result.totals.byDate[CalendarDate("2024-01-02")!])
        #expect(summary.total == ExactDecimal("24")! && summary.meters == 1 && summary.intervals == 48)
        #expect(summary.exported == ExactDecimal("12")! && summary.exportMeters == 1 && summary.skippedChannels == 1)
        // Import and export are handed on, under the NMI and suffix, byte for byte, with their flow; reactive is not.
        #expect(
            parsed.meterDays.map { "\($0.meter) \($0.flow)" } == ["6123456789/E1 consumption", "6123456789/B1 export"])
    }

    @Test func wattHoursAndMegawattHoursBecomeKilowattHoursExactly() {
        let watts = parse(file([channel(unit: "WH"), day(values: Array(repeating: "1.5", count: 48))]))
        #expect(watts.totals == ["2024-01-02": "0.072"])
        let mega = parse(file([channel(unit: "MWh"), day(values: ["0.000125"] + Array(repeating: "0", count: 47))]))
        #expect(mega.totals == ["2024-01-02": "0.125"])
        // 0.0005 Wh is 0.0000005 kWh: past the six places an exact total can hold.
        let tooFine = parse(file([channel(unit: "Wh"), day(values: ["0.0005"] + Array(repeating: "0", count: 47))]))
        #expect(tooFine.codes == [.tooManyDecimals])
    }

    @Test func qualitiesComeFromTheDayOrItsEventRecordsAndNullIntervalsAreGaps() throws {
        let parsed = parse(
            file([
                channel(), day(values: Array(repeating: "1", count: 48), quality: "V"),
                "400,1,10,A,,", "400,11,20,E52,,", "400,21,48,N,,",
                day("20240103", values: Array(repeating: "2", count: 48), quality: "S14"),
            ]))
        #expect(parsed.result.isValid)
        let first = try #require(parsed.result.totals.byDate[CalendarDate("2024-01-02")!])
        #expect(first.total == ExactDecimal("20")! && first.notActual == ExactDecimal("10")!)
        #expect(first.intervals == 20 && first.incomplete == 1)
        let second = try #require(parsed.result.totals.byDate[CalendarDate("2024-01-03")!])
        #expect(second.notActual == second.total && second.incomplete == 0)
        // A day with gaps keeps its value but no intervals: a gap is not a zero.
        #expect(parsed.meterDays.map { $0.intervals?.count } == [nil, 48])
        #expect(parsed.meterDays.map(\.missingIntervals) == [28, 0])
        #expect(parsed.meterDays.map(\.notActual) == [ExactDecimal("10")!, ExactDecimal("96")!])
    }

    @Test func eachIntervalKeepsItsQualityWhenNotAllAreActual() {
        let parsed = parse(
            file([
                channel(), day(values: halfHours, quality: "V"), "400,1,10,A,,", "400,11,48,E52,,",
                day("20240103", values: halfHours, quality: "F14"), day("20240104", values: halfHours),
            ]))
        #expect(parsed.result.isValid)
        #expect(
            parsed.meterDays.map { $0.qualities.map(QualityFlag.letters) } == [
                String(repeating: "A", count: 10) + String(repeating: "E", count: 38),
                String(repeating: "F", count: 48),
                nil,
            ])
    }

    @Test(arguments: [
        // A 400 record outside the day, overlapping, or leaving intervals without a quality.
        (["400,1,49,A,,"], ValidationErrorCode.nem12EventRange),
        (["400,1,10,A,,", "400,5,48,A,,"], .nem12EventRange),
        (["400,1,47,A,,"], .nem12EventRange),
        (["400,1,48,V,,"], .nem12Quality),
    ])
    func aVariableDayNeedsItsIntervalsCoveredInOrder(_ events: [String], _ code: ValidationErrorCode) {
        let parsed = parse(file([channel(), day(values: halfHours, quality: "V")] + events))
        #expect(parsed.codes.contains(code) && !parsed.result.isValid)
        #expect(parsed.result.totals.byDate.isEmpty)
    }

    @Test func aBrokenFileIsRefusedWithTheRecordsLineAndField() throws {
        let cases: [(String, ValidationErrorCode, Int)] = [
            (file([day(values: halfHours)]), .nem12RecordOrder, 2),
            (file([channel(), day(values: halfHours)], end: false), .nem12MissingEnd, 0),
            (file([channel(), day(values: halfHours)]) + "300,20240103\r\n", .nem12RecordOrder, 5),
            (file([channel(), day(values: halfHours), "400,1,48,A,,"]), .nem12RecordOrder, 4),
            (file([channel(), day(values: Array(halfHours.dropLast()))]), .nem12FieldCount, 3),
            (file([channel(), day(values: halfHours, quality: "E")]), .nem12Quality, 3),
            (file([channel(), day(values: halfHours, quality: "X14")]), .nem12Quality, 3),
            (file([channel(), day("20240230", values: halfHours)]), .invalidDate, 3),
            (file([channel(minutes: 7), day(values: halfHours)]), .nem12IntervalLength, 2),
            (file([channel(), day(values: ["-1"] + halfHours.dropLast())]), .negativeValue, 3),
            (file([channel(), day(values: [""] + halfHours.dropLast())]), .invalidNumber, 3),
            (file([channel(), day(values: halfHours), day(values: halfHours)]), .duplicateMeterDay, 4),
            (file([channel(nmi: ""), day(values: halfHours)]), .meterEmpty, 2),
            (file(["250,6123456789"]), .nem12UnknownRecord, 2),
            ("100,NEM13,202401020300,MDP1,RETAILER\r\n900\r\n", .nem12Header, 1),
            ("200,6123456789,E1,1,E1,N1,M,kWh,30,\r\n900\r\n", .nem12MissingHeader, 1),
        ]
        for (text, code, line) in cases {
            let parsed = parse(text)
            let error = try #require(parsed.errors.first, "\(code)")
            #expect(error.code == code && error.line == line, "\(text.prefix(90))")
        }
    }

    @Test func aDayWrittenPlainlyOrNotReadsTheSame() {
        // Plain days are read in one pass; quoted or padded fields, and values over a conversion, by the general path.
        let plain = parse(file([channel(unit: "Wh"), day(values: Array(repeating: "1500", count: 48))]))
        let quoted = parse(file([channel(unit: "Wh"), day(values: Array(repeating: "\"1500\"", count: 48))]))
        let padded = parse(file([channel(unit: "Wh"), day(values: Array(repeating: " 1500 ", count: 48))]))
        #expect(plain.totals == ["2024-01-02": "72"])
        #expect(quoted.result.totals == plain.result.totals && padded.result.totals == plain.result.totals)
        #expect(quoted.meterDays == plain.meterDays && padded.meterDays == plain.meterDays)
    }

    @Test("a zip archive's members read as files of their own, whatever the chunks", arguments: [1, 5, 4096])
    func zipArchives(_ chunkSize: Int) throws {
        let first = Array(file([channel(), day(values: halfHours)]).utf8)
        let second = Array(file([channel(nmi: "6999999999"), day(values: halfHours)]).utf8)
        let plain = parse(first + [], chunkSize: chunkSize).result.totals.byDate.values.first?.total
        #expect(plain == ExactDecimal("24"))
        for (deflate, descriptor) in [(true, false), (false, false), (true, true)] {
            let archive = zipped([("a.csv", first), ("b.csv", second)], deflate: deflate, descriptor: descriptor)
            let parsed = parse(archive, chunkSize: chunkSize)
            #expect(parsed.result.isValid && parsed.totals == ["2024-01-02": "48"], "\(deflate) \(descriptor)")
            #expect(parsed.meterDays.map(\.meter) == ["6123456789/E1", "6999999999/E1"])
        }
        // A broken member is named in its errors; a damaged or cut archive is refused.
        let broken = parse(zipped([("a.csv", first), ("b.csv", Array(file([day(values: halfHours)]).utf8))]))
        #expect(broken.codes == [.nem12RecordOrder] && broken.errors[0].message.hasPrefix("in b.csv: "))
        var damaged = zipped([("a.csv", first)], deflate: false)
        damaged[40] ^= 0x01
        #expect(parse(damaged, chunkSize: chunkSize).codes.contains(.zipCorrupt))
        let cut = zipped([("a.csv", first)])
        #expect(parse(Array(cut.prefix(cut.count / 2)), chunkSize: chunkSize).codes.contains(.zipTruncated))
        var encrypted = zipped([("a.csv", first)])
        encrypted[6] |= 1
        #expect(parse(encrypted).codes == [.zipUnsupported])
    }

    @Test("the same totals whatever the chunks", arguments: [1, 3, 64])
    func chunkBoundariesChangeNothing(_ chunkSize: Int) {
        let text = file([
            channel(), day(values: halfHours), channel("B1", unit: "Wh"),
            day(values: Array(repeating: "250", count: 48)),
        ])
        let whole = parse(text)
        let chunked = parse(text, chunkSize: chunkSize)
        #expect(chunked.result.totals == whole.result.totals && whole.result.isValid)
        #expect(whole.result.totals.byDate.values.first?.exported == ExactDecimal("12"))
    }
}
