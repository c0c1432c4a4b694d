import AWSServices

extension Result where Failure == AWSError {
    /// The value, or the AWS error as an ingest failure.
    func orIngestFailure() throws(IngestFailure) -> Success {
        switch self {
        case .success(let value): return value
        case .failure(let error): throw .aws(error)
        }
    }
}

extension IngestFailure {
    /// `body`'s value; an AWS error it throws, as an ingest failure.
    static func awsCall<Value>(_ body: () throws(AWSError) -> Value) throws(IngestFailure) -> Value {
        do throws(AWSError) {
            return try body()
        } catch {
            throw .aws(error)
        }
    }
}
