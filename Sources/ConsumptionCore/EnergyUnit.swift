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

    /// Why a value cannot be held in kWh: more than six decimals once converted (Wh), or past Int64 (MWh).
    enum ConversionProblem: Error { case tooPrecise, tooLarge }

    /// `units` (millionths of this unit) in millionths of a kWh, exactly.
    func kilowattHourUnits(_ units: Int64) -> Result<Int64, ConversionProblem> {
        let (scaled, overflow) = units.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { return .failure(.tooLarge) }
        let (quotient, remainder) = scaled.quotientAndRemainder(dividingBy: divisor)
        return remainder == 0 ? .success(quotient) : .failure(.tooPrecise)
    }

    /// The refusal of a value `kilowattHourUnits` could not convert, as a validation error says it.
    func refusal(_ problem: ConversionProblem) -> (code: ValidationErrorCode, message: String) {
        switch problem {
        case .tooPrecise:
            return (.tooManyDecimals, "more decimal places than kWh can hold exactly (6) once converted from \(self)")
        case .tooLarge:
            return (.valueAboveCeiling, "too large once converted from \(self) to kWh")
        }
    }
}
