/// The unit a file's energy values are written in; every total is kWh. Converting is exact (fixed point): Wh
/// values need at most three decimals to stay exact in six, MWh values are multiplied.
public enum EnergyUnit: String, Sendable, Equatable, CaseIterable {
    case kWh, Wh, MWh

    /// A value in this unit times `multiplier`, divided by `divisor`, is kWh.
    var multiplier: Int64 { self == .MWh ? 1000 : 1 }
    var divisor: Int64 { self == .Wh ? 1000 : 1 }

    /// The unit a name spells, in any case (`KWH`, `wh`, `MWh`), or nil.
    public init?(name: String) {
        guard let unit = Self.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
            return nil
        }
        self = unit
    }

    /// `units` (millionths of this unit) in millionths of a kWh; nil when not exact or out of range.
    func kilowattHourUnits(_ units: Int64) -> Int64? {
        let (scaled, overflow) = units.multipliedReportingOverflow(by: multiplier)
        let (quotient, remainder) = scaled.quotientAndRemainder(dividingBy: divisor)
        return overflow || remainder != 0 ? nil : quotient
    }
}
