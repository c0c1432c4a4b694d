/// The errors of one file: the first `maxKeptErrors` in full, and a count of all of them by code.
public struct ValidationReport: Sendable, Equatable {
    public static let maxKeptErrors = 100

    public private(set) var errors: [ValidationError] = []
    public private(set) var errorCount = 0
    public private(set) var countsByCode: [ValidationErrorCode: Int] = [:]

    public init() {}

    public var isValid: Bool { errorCount == 0 }

    mutating func record(_ error: ValidationError) {
        errorCount += 1
        countsByCode[error.code, default: 0] += 1
        if errors.count < ValidationReport.maxKeptErrors { errors.append(error) }
    }

    /// Adds another part's errors after this one's, as if the parts were one file.
    public mutating func append(_ other: ValidationReport) {
        for error in other.errors where errors.count < ValidationReport.maxKeptErrors { errors.append(error) }
        errorCount += other.errorCount
        countsByCode.merge(other.countsByCode, uniquingKeysWith: +)
    }
}
