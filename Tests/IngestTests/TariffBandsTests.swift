import ConsumptionCore
import ConsumptionTable
import Testing

/// A tenant's time-of-use bands: the grammar the command and the item share, and which band a local time is in.
@Suite struct TariffBandsTests {
    /// Seconds since 1970-01-01 on the local clock at `date` `hour`:`minute`.
    func local(_ date: String, _ hour: Int, _ minute: Int = 0) -> Int {
        CalendarDate(date)!.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60
    }

    @Test("the first band whose days and hours hold the start wins; a window may run past midnight")
    func precedenceAndMidnight() throws {
        let tariff = TariffBands(
            bands: [try TariffBands.band("peak=weekdays 07:00-23:00"), try TariffBands.band("night=all 23:00-07:00")],
            defaultBand: "weekend", holidays: [CalendarDate("2024-12-25")!])
        #expect(tariff.band(atLocal: local("2024-12-24", 6, 59)) == "night")  // a Tuesday
        #expect(tariff.band(atLocal: local("2024-12-24", 7)) == "peak")
        #expect(tariff.band(atLocal: local("2024-12-24", 22, 59)) == "peak")
        #expect(tariff.band(atLocal: local("2024-12-24", 23)) == "night")
        #expect(tariff.band(atLocal: local("2024-12-25", 12)) == "weekend")  // a holiday is a weekend day
        #expect(tariff.band(atLocal: local("2024-12-28", 12)) == "weekend")  // a Saturday
        #expect(tariff.names == ["peak", "night", "weekend"])
    }

    @Test("the item's text reads back as the bands that wrote it")
    func textRoundTrips() throws {
        let tariff = TariffBands(
            bands: [try TariffBands.band("day=weekends 08:30-20:00")], defaultBand: "other",
            holidays: [CalendarDate("2024-01-01")!, CalendarDate("2023-12-25")!])
        #expect(tariff.text == "day=weekends 08:30-20:00; default=other; holidays=2023-12-25,2024-01-01")
        #expect(TariffBands(text: tariff.text) == tariff)
        #expect(TariffBands(item: tariff.item(tenant: "acme")) == tariff)
    }

    @Test(
        "a band that does not read is refused with what it should be",
        arguments: [
            "peak", "peak=weekday 07:00-23:00", "peak=weekdays 7:00-23:00", "peak=weekdays 07:00-07:00",
            "default=all 00:00-01:00", "p k=all 00:00-01:00",
        ])
    func badBands(_ text: String) {
        #expect(throws: TariffBands.Failure.self) { try TariffBands.band(text) }
    }
}
