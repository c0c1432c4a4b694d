/// What each column of a CSV header holds. Names match case-insensitively, surrounding spaces ignored.
enum ColumnRole: Equatable {
    case meter
    case date
    case timestamp
    case value
    /// Which way the row's energy went: `import` (or `consumption`) or `export`.
    case direction
    /// An interval column; the minute of the day its label names.
    case interval(minute: Int)

    static let aliases: [String: ColumnRole] = [
        "meter": .meter, "meter_id": .meter, "meterid": .meter, "nmi": .meter,
        "date": .date, "reading_date": .date,
        "timestamp": .timestamp, "datetime": .timestamp, "reading_time": .timestamp,
        "value": .value, "kwh": .value, "wh": .value, "mwh": .value, "consumption": .value,
        "direction": .direction, "flow": .direction,
    ]

    init?(name: String) {
        let key = name.lowercased()
        if let role = ColumnRole.aliases[key] {
            self = role
        } else if let minute = ColumnRole.minuteOfDay(key) {
            self = .interval(minute: minute)
        } else {
            return nil
        }
    }

    /// `H:MM` or `HH:MM`, 0:00 to 24:00.
    static func minuteOfDay(_ label: String) -> Int? {
        let parts = label.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts[0].allSatisfy(\.isASCIIDigit), parts[1].allSatisfy(\.isASCIIDigit),
            let hour = Int(parts[0]), let minute = Int(parts[1]), minute < 60
        else { return nil }
        let total = hour * 60 + minute
        return total <= 24 * 60 ? total : nil
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isWholeNumber }
}

/// A header, understood: which format, and what each column holds.
struct HeaderLayout {
    let format: MeterFileFormat
    let roles: [ColumnRole]
    let names: [String]

    /// Where the interval columns stand (side by side, as the header check makes sure).
    var intervalColumns: Range<Int> {
        let first = roles.firstIndex(where: \.isInterval) ?? roles.count
        let last = roles.lastIndex(where: \.isInterval).map { $0 + 1 } ?? first
        return first..<last
    }

    /// The header's own name for the meter column, for error reports.
    var meterColumnName: String { names[roles.firstIndex(of: .meter) ?? 0] }

    /// The unit the value column's name spells (`kWh`, `Wh`, `MWh`), if it spells one.
    var valueUnit: EnergyUnit? { roles.firstIndex(of: .value).flatMap { EnergyUnit(name: names[$0]) } }

    /// Interval counts a day may be cut into: hourly, half-hourly, 15- and 5-minute.
    static let intervalCounts: Set<Int> = [24, 48, 96, 288]

    /// Reads a header; on failure, the reasons (all of them, so one report shows every header problem).
    static func parse(names: [String]) -> Result<HeaderLayout, HeaderProblems> {
        var problems: [HeaderProblem] = []
        var roles: [ColumnRole] = []
        for name in names {
            guard let role = ColumnRole(name: name) else {
                problems.append(HeaderProblem(.unknownColumn, name, "unknown column '\(name)'"))
                continue
            }
            if !role.isInterval, roles.contains(role) {
                problems.append(HeaderProblem(.duplicateColumn, name, "column '\(name)' appears twice"))
            }
            roles.append(role)
        }
        guard problems.isEmpty else { return .failure(HeaderProblems(all: problems)) }
        let intervalMinutes = roles.compactMap(\.intervalMinute)
        let has = { (role: ColumnRole) in roles.contains(role) }
        if !has(.meter) {
            problems.append(HeaderProblem(.missingColumn, "Meter", "no meter column (Meter, meter_id, meterid, nmi)"))
        }
        let format: MeterFileFormat
        if !intervalMinutes.isEmpty {
            format = .wide(intervalsPerDay: intervalMinutes.count)
            if !has(.date) { problems.append(HeaderProblem(.missingColumn, "Date", "a wide file needs a Date column")) }
            if has(.value) || has(.timestamp) {
                problems.append(
                    HeaderProblem(
                        .unknownColumn, "Value", "a wide file has interval columns only, besides meter and date"))
            }
            if let problem = intervalProblem(intervalMinutes) {
                problems.append(HeaderProblem(.intervalsIncomplete, nil, problem))
            }
            let first = roles.firstIndex(where: \.isInterval) ?? 0
            if !roles[first..<first + intervalMinutes.count].allSatisfy(\.isInterval) {
                problems.append(HeaderProblem(.intervalsIncomplete, nil, "interval columns must stand side by side"))
            }
        } else if has(.timestamp) {
            format = .timestamped
            if has(.direction) {
                // Its rows are gathered into meter-days by meter and day: one reading cannot say the day's flow.
                problems.append(
                    HeaderProblem(.unknownColumn, "Direction", "a timestamped file cannot carry a direction column"))
            }
            if has(.date) {
                problems.append(HeaderProblem(.unknownColumn, "Date", "a file has either a Date or a Timestamp column"))
            }
            if !has(.value) {
                problems.append(HeaderProblem(.missingColumn, "Value", "no value column (Value, kWh, consumption)"))
            }
        } else {
            format = .dailyValues
            if !has(.date) { problems.append(HeaderProblem(.missingColumn, "Date", "no Date or Timestamp column")) }
            if !has(.value) { problems.append(HeaderProblem(.missingColumn, "Value", "no value or interval columns")) }
        }
        guard problems.isEmpty else { return .failure(HeaderProblems(all: problems)) }
        return .success(HeaderLayout(format: format, roles: roles, names: names))
    }

    /// Interval labels must be evenly spaced, in order, and cover the whole day, labelled by the start of each
    /// interval (0:00 ... 23:30) or by its end (0:30 ... 24:00).
    private static func intervalProblem(_ minutes: [Int]) -> String? {
        let count = minutes.count
        guard intervalCounts.contains(count) else {
            return "\(count) interval columns; a day has 24, 48, 96 or 288"
        }
        let step = 24 * 60 / count
        let offset = minutes[0] == step ? step : 0
        for (index, minute) in minutes.enumerated() where minute != index * step + offset {
            return "interval columns must run from 0:00 to \(Self.label((count - 1) * step)) every \(step) minutes"
        }
        return nil
    }

    private static func label(_ minute: Int) -> String {
        let tens = minute % 60 < 10 ? "0" : ""
        return "\(minute / 60):\(tens)\(minute % 60)"
    }
}

extension ColumnRole {
    var isInterval: Bool { intervalMinute != nil }

    var intervalMinute: Int? {
        if case .interval(let minute) = self { return minute }
        return nil
    }
}

/// One reason a header cannot be read.
struct HeaderProblem {
    let code: ValidationErrorCode
    let column: String?
    let message: String

    init(_ code: ValidationErrorCode, _ column: String?, _ message: String) {
        self.code = code
        self.column = column
        self.message = message
    }
}

struct HeaderProblems: Error {
    let all: [HeaderProblem]
}
