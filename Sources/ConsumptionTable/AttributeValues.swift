import ConsumptionCore
import JSON

/// DynamoDB attribute values in and out, numbers always as exact decimal text.
public enum AttributeValues {
    public static func string(_ text: String) -> JSONValue { ["S": .string(text)] }
    public static func number(_ value: ExactDecimal) -> JSONValue { ["N": .string(value.description)] }
    public static func number(_ value: Int) -> JSONValue { ["N": .string(String(value))] }

    public static func string(_ item: JSONValue, _ name: String) -> String? { item[name]?["S"]?.stringValue }

    public static func decimal(_ item: JSONValue, _ name: String) -> ExactDecimal? {
        item[name]?["N"]?.stringValue.flatMap(ExactDecimal.init)
    }

    /// Integers come back as `5`, or as `5.0` from some stores' `ADD`; both are 5. Any Int reads back, epoch
    /// milliseconds included (was: through the meter files' decimal, whose 12 whole digits read a lease's 13 as
    /// none).
    public static func integer(_ item: JSONValue, _ name: String) -> Int? {
        guard let text = item[name]?["N"]?.stringValue else { return nil }
        if let value = Int(text) { return value }
        guard let value = ExactDecimal(text), value.units % ExactDecimal.unitsPerWhole == 0 else { return nil }
        return Int(exactly: value.units / ExactDecimal.unitsPerWhole)
    }

    /// A date attribute written as `YYYY-MM-DD`.
    public static func date(_ item: JSONValue, _ name: String) -> CalendarDate? {
        string(item, name).flatMap(CalendarDate.init)
    }
}
