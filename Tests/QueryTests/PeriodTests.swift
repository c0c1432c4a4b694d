import ConsumptionCore
import Testing

@testable import Query

@Suite("Periods: ISO weeks, calendar months and years, clipped to the range asked for")
struct PeriodTests {
    private func date(_ text: String) -> CalendarDate { CalendarDate(text)! }

    @Test(
        "a week runs Monday to Sunday and is named by the year its Thursday falls in",
        arguments: [
            ("2024-12-30", "2025-W01", "2024-12-30", "2025-01-05"),
            ("2021-01-03", "2020-W53", "2020-12-28", "2021-01-03"),
            ("2024-05-15", "2024-W20", "2024-05-13", "2024-05-19"),
            ("2026-01-01", "2026-W01", "2025-12-29", "2026-01-04"),
        ])
    func weeks(day: String, name: String, first: String, last: String) {
        #expect(PeriodLength.week.period(of: date(day)) == Period(name: name, first: date(first), last: date(last)))
    }

    @Test("months know their lengths, February of leap years included; years run January to December")
    func monthsAndYears() {
        #expect(
            PeriodLength.month.period(of: date("2024-02-10"))
                == Period(name: "2024-02", first: date("2024-02-01"), last: date("2024-02-29")))
        #expect(PeriodLength.month.period(of: date("2023-02-10")).last == date("2023-02-28"))
        #expect(
            PeriodLength.year.period(of: date("2024-07-01"))
                == Period(name: "2024", first: date("2024-01-01"), last: date("2024-12-31")))
    }

    @Test("a range's periods are clipped to it, start where asked, and stop at the limit")
    func clipped() {
        let range = date("2024-01-20")...date("2024-04-10")
        let months = PeriodLength.month.periods(of: range, from: range.lowerBound, limit: 10)
        #expect(months.map(\.name) == ["2024-01", "2024-02", "2024-03", "2024-04"])
        #expect(months.first?.first == date("2024-01-20") && months.last?.last == date("2024-04-10"))
        let page = PeriodLength.month.periods(of: range, from: date("2024-03-01"), limit: 1)
        #expect(page == [Period(name: "2024-03", first: date("2024-03-01"), last: date("2024-03-31"))])
    }

    @Test("billing periods are given as FIRST..LAST, 1 to 36, each in order")
    func given() throws {
        let periods = try PeriodRequest.given(["2024-01-15..2024-02-14", "2024-02-10..2024-03-14"])
        #expect(
            periods
                == .given([
                    Period(name: "2024-01-15..2024-02-14", first: date("2024-01-15"), last: date("2024-02-14")),
                    Period(name: "2024-02-10..2024-03-14", first: date("2024-02-10"), last: date("2024-03-14")),
                ]))
        for bad in [
            ["2024-02-14..2024-01-15"], ["2024-01-15...2024-02-14"], ["2024-01-15.."], ["2024-01-15-2024-02-14"], [""],
            [], Array(repeating: "2024-01-01..2024-01-02", count: 37),
        ] {
            #expect(throws: APIError.self, "\(bad.prefix(2))") { try PeriodRequest.given(bad) }
        }
    }
}
