/// How an interval's value was got, as NEM12 flags it: read, or estimated, substituted or finally substituted. An
/// interval of a file that flags nothing (CSV) is actual. The raw value is the flag's ASCII letter, as the table
/// stores it.
public enum QualityFlag: UInt8, Sendable, Equatable {
    case actual = 0x41  // A
    case estimated = 0x45  // E
    case substituted = 0x53  // S
    case finalSubstitute = 0x46  // F

    public var letter: String { String(UnicodeScalar(rawValue)) }

    /// The letters of `flags`, one per interval.
    public static func letters(_ flags: [QualityFlag]) -> String {
        String(decoding: flags.map(\.rawValue), as: UTF8.self)
    }

    /// The flags `letters` spells; nil when a letter is no flag.
    public static func flags(_ letters: String) -> [QualityFlag]? {
        var flags: [QualityFlag] = []
        for byte in letters.utf8 {
            guard let flag = QualityFlag(rawValue: byte) else { return nil }
            flags.append(flag)
        }
        return flags
    }
}
