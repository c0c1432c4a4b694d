/// One channel of a NEM12 file, as its 200 record states it: whose it is (NMI and suffix, kept byte for byte as
/// `NMI/suffix`), what it measures, and how its values become kWh.
struct NEM12Channel {
    enum Role: Equatable {
        /// Imported energy (suffix E...): consumption.
        case consumption
        /// Exported energy (suffix B..., e.g. solar): reported apart, never netted into consumption.
        case export
        /// Not energy this system totals (reactive energy, voltage, an unknown unit): checked, not counted.
        case skipped(reason: String)
    }

    let meter: [UInt8]
    let role: Role
    /// The unit its energy values are written in (a skipped channel's values are only checked as numbers).
    let unit: EnergyUnit
    let intervalsPerDay: Int

    /// How a unit of measure (any case, as NEM12 files write it) and a suffix make a channel's role.
    static func role(unit: [UInt8], suffix: [UInt8]) -> (role: Role, unit: EnergyUnit) {
        let written = String(decoding: unit, as: UTF8.self)
        guard let energy = EnergyUnit(name: written) else {
            let reactive = ["kvarh", "varh", "mvarh"].contains(written.lowercased())
            return (
                .skipped(
                    reason: reactive ? "reactive energy (\(written))" : "not energy (unit '\(written.prefix(16))')"),
                .kWh
            )
        }
        switch suffix.first {
        case UInt8(ascii: "E"): return (.consumption, energy)
        case UInt8(ascii: "B"): return (.export, energy)
        default:
            let name = String(decoding: suffix, as: UTF8.self)
            return (.skipped(reason: "energy neither imported (E) nor exported (B): suffix \(name)"), .kWh)
        }
    }
}

/// The quality of an interval value, from a 300 record's QualityMethod or a 400 record's: the flag, then for
/// estimated and substituted values a two-digit method (`E52`, `F14`, `S14`).
enum IntervalQuality: UInt8 {
    case actual, estimated, substituted, finalSubstitute, null
    /// Only in a 300 record: the day's qualities are given interval by interval in the 400 records that follow.
    case variable

    /// Nil when the field is no quality method.
    init?(_ field: UnsafeBufferPointer<UInt8>) {
        guard let flag = field.first else { return nil }
        let method = field.dropFirst()
        let hasMethod = method.count == 2 && method.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        switch flag {
        case UInt8(ascii: "A") where method.isEmpty: self = .actual
        case UInt8(ascii: "N") where method.isEmpty: self = .null
        case UInt8(ascii: "V") where method.isEmpty: self = .variable
        case UInt8(ascii: "E") where hasMethod: self = .estimated
        case UInt8(ascii: "S") where hasMethod: self = .substituted
        case UInt8(ascii: "F") where hasMethod: self = .finalSubstitute
        default: return nil
        }
    }

    /// The flag an interval of this quality carries; nil for a gap (N) and for V, which names none.
    var flag: QualityFlag? {
        switch self {
        case .actual: .actual
        case .estimated: .estimated
        case .substituted: .substituted
        case .finalSubstitute: .finalSubstitute
        case .null, .variable: nil
        }
    }
}
