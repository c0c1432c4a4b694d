import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaEvents

/// `GET /meters/{meterId}/bands?from=&to=`: a meter's energy over at most 366 days by the tenant's time-of-use
/// bands, each interval in the band its start falls in on the tenant's local clock, exactly. Days whose intervals
/// the table does not keep cannot be apportioned: they are totalled apart (`unbanded`), never guessed.
extension QueryHandler {
    static let maxBandDays = 366

    func meterBands(_ request: APIGatewayRequest, tenant: String, meter: String) throws(QueryFailure)
        -> APIGatewayResponse
    {
        let query = try parameters(request, ["from", "to"])
        let range = try checked { () throws(APIError) in
            let range = try query.dateRange()
            guard range.upperBound.daysSinceEpoch - range.lowerBound.daysSinceEpoch < Self.maxBandDays else {
                throw .badRequest("to", "a range of bands is at most \(Self.maxBandDays) days")
            }
            return range
        }
        guard let tariff = try store.tariffBands(tenant: tenant) else {
            throw .api(
                APIError(
                    status: 404, code: "no-bands",
                    message: "no time-of-use bands are set for this tenant: an operator sets them with "
                        + "`consumption tenants set-bands`"))
        }
        let zone = try store.settings(tenant: tenant).zone.flatMap { zones[$0] }
        let readings = try everyPage(of: range) { (start) throws(QueryFailure) in
            let page = try store.meterIntervals(
                tenant: tenant, meter: meter, range: range, start: start, limit: QueryParameters.maxLimit)
            return (page.readings, page.next)
        }
        var totals: [String: (energy: ExactDecimal, intervals: Int)] = [:]
        var unbanded = (days: 0, energy: ExactDecimal.zero)
        for reading in readings {
            guard
                let day = reading.intervals.flatMap({
                    IntervalDay(date: reading.date, values: $0, qualities: reading.qualities, zone: zone)
                })
            else {
                unbanded.days += 1
                unbanded.energy += reading.value
                continue
            }
            for interval in day.intervals {
                let band = tariff.band(atLocal: interval.localSeconds)
                let sum = totals[band] ?? (.zero, 0)
                totals[band] = (sum.energy + interval.value, sum.intervals + 1)
            }
        }
        return Self.json(
            200,
            [
                "meter": .string(meter), "unit": "kWh", "from": .string(range.lowerBound.description),
                "to": .string(range.upperBound.description), "days": .integer(readings.count - unbanded.days),
                "bands": .array(
                    tariff.names.map { name in
                        let sum = totals[name] ?? (.zero, 0)
                        return [
                            "band": .string(name), "total": .string(sum.energy.description),
                            "intervals": .integer(sum.intervals),
                        ]
                    }),
                "unbanded": ["days": .integer(unbanded.days), "total": .string(unbanded.energy.description)],
            ])
    }
}
