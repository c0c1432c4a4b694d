/// A key the first pass could not clear: a meter and a number (the day, or the second of a timestamped reading).
struct RepeatKey: Hashable, Sendable {
    let meter: String
    let key: Int
}

/// The keys a first pass found maybe repeated, to be checked exactly by a second pass over the same bytes.
public struct RepeatConfirmation: Sendable, Equatable {
    let keys: Set<RepeatKey>
    /// More keys were suspected than kept.
    let overflowed: Bool

    public var count: Int { keys.count }
}

/// How a parse treats keys given twice.
public enum RepeatCheck: Sendable {
    /// First pass: flag possible repeats (`MeterFileResult.repeatsToConfirm`) for a second pass to confirm.
    case detect
    /// Second pass: refuse exactly the repeats among these suspects.
    case confirm(RepeatConfirmation)
    /// The same bytes were checked before; read them without checking again (for a pass that writes).
    case alreadyChecked
}
