import ConsumptionCore
import JSON

/// What a reading says beyond its value, carried from the file to its reading item, its page entry and, while it
/// counts, its meter-day item (and so into the day sums): which way the energy went, how much of the value rests on
/// readings that are not actual, and how many intervals are missing. Stored only where they differ from the plain
/// case (consumption, all actual, complete), so the items of a plain file are what they always were.
public struct ReadingMarks: Sendable, Equatable {
    public var flow: EnergyFlow
    public var notActual: ExactDecimal
    public var missingIntervals: Int

    public init(flow: EnergyFlow = .consumption, notActual: ExactDecimal = .zero, missingIntervals: Int = 0) {
        self.flow = flow
        self.notActual = notActual
        self.missingIntervals = missingIntervals
    }

    public init(_ day: MeterDay) {
        self.init(flow: day.flow, notActual: day.notActual, missingIntervals: day.missingIntervals)
    }

    public var isComplete: Bool { missingIntervals == 0 }

    public enum Attribute {
        /// `export` on exported energy.
        public static let flow = "flow"
        public static let notActual = "notActual"
        public static let missingIntervals = "missingIntervals"
    }

    public static let attributeNames = [Attribute.flow, Attribute.notActual, Attribute.missingIntervals]

    /// The marks an item holds; nil when one of them is malformed.
    public init?(item: JSONValue) {
        self.init()
        if let named = AttributeValues.string(item, Attribute.flow) {
            guard let flow = EnergyFlow(rawValue: named) else { return nil }
            self.flow = flow
        }
        if item[Attribute.notActual] != nil {
            guard let amount = AttributeValues.decimal(item, Attribute.notActual) else { return nil }
            notActual = amount
        }
        if item[Attribute.missingIntervals] != nil {
            guard let count = AttributeValues.integer(item, Attribute.missingIntervals), count > 0 else { return nil }
            missingIntervals = count
        }
    }

    /// The attributes of the marks that differ from the plain case.
    public var attributes: [String: JSONValue] {
        var attributes: [String: JSONValue] = [:]
        if flow != .consumption { attributes[Attribute.flow] = AttributeValues.string(flow.rawValue) }
        if notActual != .zero { attributes[Attribute.notActual] = AttributeValues.number(notActual) }
        if missingIntervals > 0 { attributes[Attribute.missingIntervals] = AttributeValues.number(missingIntervals) }
        return attributes
    }

    /// The attributes these marks leave out, which an update must remove (another reading may have set them).
    public var absentAttributeNames: [String] {
        let present = attributes
        return Self.attributeNames.filter { present[$0] == nil }
    }

    /// In a page entry: `export`, `notActual=<amount>`, `missing=<count>`, joined by commas (none of them holds a
    /// tab or a comma); empty when plain.
    public var token: String {
        var parts: [String] = []
        if flow != .consumption { parts.append(flow.rawValue) }
        if notActual != .zero { parts.append("notActual=\(notActual)") }
        if missingIntervals > 0 { parts.append("missing=\(missingIntervals)") }
        return parts.joined(separator: ",")
    }

    public init?(token: String) {
        self.init()
        for part in token.split(separator: ",") {
            if let flow = EnergyFlow(rawValue: String(part)) {
                self.flow = flow
            } else if part.hasPrefix("notActual="), let amount = ExactDecimal(String(part.dropFirst(10))) {
                notActual = amount
            } else if part.hasPrefix("missing="), let count = Int(part.dropFirst(8)), count > 0 {
                missingIntervals = count
            } else {
                return nil
            }
        }
    }
}
