import ConsumptionCore
import Testing

@Suite("Formats: told from the content, in every CSV dialect users send")
struct FormatTests {
    @Test("wide files: a day's value is the sum of its intervals", arguments: [24, 48, 96, 288])
    func wideIntervalCounts(count: Int) {
        let text = [
            wideHeader(count), wideRow("A", "2019-01-01", "0.125", count: count),
            wideRow("B", "2019-01-01", "1", count: count),
        ].joined(separator: "\n")
        let parsed = parse(text)
        #expect(parsed.result.report.isValid)
        #expect(parsed.result.format == .wide(intervalsPerDay: count))
        let expected = ExactDecimal(units: Int128(count) * 1_125_000)
        #expect(parsed.result.totals.byDate[CalendarDate("2019-01-01")!]?.total == expected)
        #expect(parsed.result.totals.byDate[CalendarDate("2019-01-01")!]?.meters == 2)
        #expect(parsed.result.totals.byDate[CalendarDate("2019-01-01")!]?.intervals == 2 * count)
        #expect(parsed.meterDays.map(\.meter) == ["A", "B"])
        #expect(parsed.meterDays[0].intervals?.count == count)
    }

    @Test("wide headers may label intervals by their end (0:30 ... 24:00) and write hours with two digits")
    func wideLabelStyles() {
        let endLabelled = "Meter,Date," + (1...24).map { "\($0):00" }.joined(separator: ",")
        let twoDigit = "Meter,Date," + (0..<24).map { ($0 < 10 ? "0" : "") + "\($0):00" }.joined(separator: ",")
        for header in [endLabelled, twoDigit] {
            let parsed = parse(header + "\n" + wideRow("A", "2019-01-01", "2", count: 24))
            #expect(parsed.result.report.isValid)
            #expect(parsed.totals == ["2019-01-01": "48"])
        }
    }

    @Test("an empty interval cell is a gap: the day counts the values it has and says it is incomplete")
    func wideGaps() throws {
        var cells = Array(repeating: "0.5", count: 48)
        cells[3] = ""
        cells[40] = "\"\""
        let text =
            wideHeader() + "\n" + (["A", "2024-05-01"] + cells).joined(separator: ",") + "\n"
            + wideRow("B", "2024-05-01", "1") + "\n"
        let parsed = parse(text)
        #expect(parsed.result.isValid)
        let day = try #require(parsed.result.totals.byDate[CalendarDate("2024-05-01")!])
        #expect(day.total == ExactDecimal("71")! && day.meters == 2 && day.intervals == 94 && day.incomplete == 1)
        #expect(parsed.meterDays.map(\.missingIntervals) == [2, 0])
        #expect(parsed.meterDays.map { $0.intervals?.count } == [nil, 48])
        // A row with a cell too few is still refused: a gap is an empty cell, not a missing one.
        #expect(parse(wideHeader() + "\n" + wideRow("A", "2024-05-01", "1", count: 47)).codes == [.columnCount])
    }

    @Test("values in Wh or MWh become kWh exactly: named by the value column, or by the rules for the whole file")
    func units() throws {
        #expect(parse("Meter,Date,Wh\nA,2024-05-01,1500\n").totals == ["2024-05-01": "1.5"])
        #expect(parse("meter,timestamp,MWH\nA,2024-05-01 10:00,0.0025\n").totals == ["2024-05-01": "2.5"])
        var rules = testRules
        rules.unit = .Wh
        let wide = wideHeader() + "\n" + wideRow("A", "2024-05-01", "250") + "\n"
        #expect(parse(wide, rules: rules).totals == ["2024-05-01": "12"])
        #expect(parse(wide, rules: rules).meterDays.first?.intervals?.first == ExactDecimal("0.25"))
        // A column that names its unit wins over the rules.
        #expect(parse("Meter,Date,kWh\nA,2024-05-01,3\n", rules: rules).totals == ["2024-05-01": "3"])
        // A watt-hour value with a fourth decimal cannot be held exactly in kWh; the ceiling applies in kWh.
        #expect(parse("Meter,Date,Wh\nA,2024-05-01,0.0005\n").codes == [.tooManyDecimals])
        #expect(parse("Meter,Date,Wh\nA,2024-05-01,20000\n").result.isValid)
        #expect(parse("Meter,Date,MWh\nA,2024-05-01,20\n").codes == [.valueAboveCeiling])
    }

    @Test("a Direction column says which rows are exported energy: totalled apart, never netted")
    func directions() throws {
        let daily = parse("Meter,Direction,Date,Value\nA,import,2024-05-01,3\nA/solar,Export,2024-05-01,1.25\n")
        let day = try #require(daily.result.totals.byDate[CalendarDate("2024-05-01")!])
        #expect(day.total == ExactDecimal("3")! && day.meters == 1)
        #expect(day.exported == ExactDecimal("1.25")! && day.exportMeters == 1)
        #expect(daily.meterDays.map(\.flow) == [.consumption, .export])
        let header = "Meter,Flow,Date," + String(wideHeader().dropFirst("Meter,Date,".count))
        let cells: [String] = ["B", "export", "2024-05-01"] + Array(repeating: "0.5", count: 48)
        let wide = parse(header + "\n" + cells.joined(separator: ",") + "\n")
        #expect(wide.result.totals.byDate.values.first?.exported == ExactDecimal("24"))
        #expect(parse("Meter,Date,Value,Direction\nA,2024-05-01,3,sideways\n").codes == [.unknownDirection])
        #expect(parse("Meter,Timestamp,Value,Direction\nA,2024-05-01 10:00,3,export\n").codes == [.unknownColumn])
    }

    @Test("daily values: Meter,Date,Value with any alias, in any order, any case")
    func dailyValues() {
        for header in [
            "Meter,Date,Value", "meter_id,reading_date,kwh", " NMI , DATE , Consumption ",
            "Date,Value,MeterID",
        ] {
            let names = header.split(separator: ",").map { String($0).trimmingCharacters(in: " ").lowercased() }
            func row(_ meter: String, _ date: String, _ value: String) -> String {
                names.map { name in
                    ["meter", "meter_id", "meterid", "nmi"].contains(name)
                        ? meter
                        : ["date", "reading_date"].contains(name) ? date : value
                }.joined(separator: ",")
            }
            let parsed = parse(
                [
                    header, row("A", "2019-01-01", "1.5"), row("B", "2019-01-01", "2.25"),
                    row("A", "2019-01-02", "3"),
                ].joined(separator: "\n"))
            #expect(parsed.result.report.isValid, "\(header)")
            #expect(parsed.result.format == .dailyValues)
            #expect(parsed.totals == ["2019-01-01": "3.75", "2019-01-02": "3"])
        }
    }

    @Test("timestamped readings are summed into their calendar day, per meter")
    func timestamped() {
        let text = """
            Meter,Timestamp,Value
            A,2019-01-01 00:00,1.5
            B,2019-01-01T00:00:00,2
            A,2019-01-01 23:30,0.5
            A,2019-01-02 00:00:30,4
            """
        let parsed = parse(text)
        #expect(parsed.result.report.isValid)
        #expect(parsed.result.format == .timestamped)
        #expect(parsed.totals == ["2019-01-01": "4", "2019-01-02": "4"])
        #expect(parsed.result.totals.byDate[CalendarDate("2019-01-01")!]?.meters == 2)
        #expect(
            parsed.meterDays.map { "\($0.meter) \($0.date) \($0.value)" } == [
                "A 2019-01-01 2", "B 2019-01-01 2", "A 2019-01-02 4",
            ])
    }

    @Test("quoted header names are trimmed too, and meter and date may follow the intervals")
    func quotedHeaderAndColumnOrder() {
        let labels = (0..<24).map { "\($0):00" }.joined(separator: ",")
        let text =
            labels + ",\" Meter \",\"DATE \"\n" + Array(repeating: "1.5", count: 24).joined(separator: ",")
            + ",A,2019-01-01\n"
        let parsed = parse(text)
        #expect(parsed.result.report.isValid)
        #expect(parsed.totals == ["2019-01-01": "36"])
    }

    @Test(
        "values of every shape sum exactly, whatever path reads them",
        arguments: [
            ("0.123", "5.904"), ("0.1234", "5.9232"), ("12", "576"), ("3.5", "168"), ("0.000001", "0.000048"),
            ("999.999", "47999.952"), ("\"2.125\"", "102"), (" 1.25 ", "60"), ("007.100", "340.8"),
        ])
    func valueShapes(value: String, total: String) {
        let parsed = parse(wideHeader() + "\n" + wideRow("A", "2019-01-01", value) + "\n")
        #expect(parsed.result.report.isValid)
        #expect(parsed.totals == ["2019-01-01": total])
    }

    @Test("semicolon and tab delimiters are taken from the header")
    func delimiters() {
        for delimiter in [";", "\t"] {
            let text =
                ["Meter", "Date", "Value"].joined(separator: delimiter) + "\n"
                + ["A", "2019-01-01", "1.5"].joined(separator: delimiter) + "\n"
            #expect(parse(text).totals == ["2019-01-01": "1.5"])
        }
    }

    @Test("RFC 4180: BOM, CRLF, quotes with doubled quotes, no final newline, blank trailing lines")
    func rfc4180() {
        let text = "\u{FEFF}Meter,\"Date\",Value\r\n\"A,\"\"1\"\"\",2019-01-01,\"1.5\"\r\nB,2019-01-01,2\r\n\r\n\r\n"
        let parsed = parse(text)
        #expect(parsed.result.report.isValid)
        #expect(parsed.meterDays.map(\.meter) == ["A,\"1\"", "B"])
        #expect(parsed.totals == ["2019-01-01": "3.5"])
        let noFinalNewline = parse("Meter,Date,Value\nA,2019-01-01,1.5")
        #expect(noFinalNewline.totals == ["2019-01-01": "1.5"])
        #expect(noFinalNewline.result.lines == 2)
    }

    @Test("a quoted line break is part of the field, and lines are still counted right")
    func quotedLineBreak() {
        let parsed = parse("Meter,Date,Value\n\"A\nB\",2019-01-01,1\nC,2019-01-01,x\n")
        // The meter id with a newline holds a control character; the bad value after it is on line 4, not 3.
        #expect(parsed.errors.map(\.line) == [2, 4])
        #expect(parsed.codes == [.meterControlCharacter, .invalidNumber])
        let shifted = parse("Meter,Date,Value\nA,2019-01-01,\"1\n\"\nC,2019-01-01,x\n")
        #expect(shifted.errors.map(\.line) == [2, 4])
    }

    @Test("gzip content is inflated while streaming, whatever the file is called")
    func gzip() {
        let text = wideHeader() + "\n" + wideRow("A", "2019-01-01", "0.5") + "\n"
        let compressed = gzipped(Array(text.utf8))
        #expect(compressed.starts(with: [0x1F, 0x8B]))
        let parsed = parse(compressed)
        #expect(parsed.result.report.isValid)
        #expect(parsed.totals == ["2019-01-01": "24"])
        #expect(parsed.result.inputBytes == compressed.count)
        #expect(parsed.result.contentBytes == text.utf8.count)
    }

    @Test("concatenated gzip members read as one file, as gzip(1) does")
    func gzipMembers() {
        let first = gzipped(Array("Meter,Date,Value\nA,2019-01-01,1\n".utf8))
        let second = gzipped(Array("B,2019-01-01,2\n".utf8))
        #expect(parse(first + second).totals == ["2019-01-01": "3"])
    }

    @Test("totals do not depend on row order")
    func rowOrder() {
        let rows = (0..<40).map { wideRow("M\($0 % 7)", "2019-01-0\($0 / 7 + 1)", "0.\($0 % 10)01") }
        let forward = parse(([wideHeader()] + rows).joined(separator: "\n"))
        let backward = parse(([wideHeader()] + rows.reversed()).joined(separator: "\n"))
        #expect(forward.result.report.isValid)
        #expect(forward.result.totals == backward.result.totals)
    }

    @Test("parts of a file merged give the single-pass totals digit for digit")
    func partsMerge() {
        let rows = (0..<60).map { wideRow("M\($0 % 9)", "2019-02-0\($0 / 9 + 1)", "1.23\($0 % 10)") }
        let whole = parse(([wideHeader()] + rows).joined(separator: "\n")).result.totals
        var merged = DailyTotals()
        for part in stride(from: 0, to: rows.count, by: 13) {
            let slice = rows[part..<min(rows.count, part + 13)]
            merged.merge(parse(([wideHeader()] + slice).joined(separator: "\n")).result.totals)
        }
        #expect(merged == whole)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return String(text)
    }
}
