import AWSServices

/// Where an AWS error becomes an ingest failure: the one conversion, which every call to AWS goes through.
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
        try Result(catching: body).orIngestFailure()
    }

    /// `write`'s value, or nil when DynamoDB refused the write because its condition did not hold (another writer
    /// came first, or the item is gone): an answer, not a failure. Any other AWS error, as an ingest failure.
    static func conditionalWrite<Value>(_ write: () throws(AWSError) -> Value) throws(IngestFailure) -> Value? {
        try awsCall { () throws(AWSError) -> Value? in
            do throws(AWSError) {
                return try write()
            } catch  where error.isConditionFailed {
                return nil
            }
        }
    }

    /// Whether `write` was done: false when DynamoDB refused it because its condition did not hold.
    static func conditionalWrite(_ write: () throws(AWSError) -> Void) throws(IngestFailure) -> Bool {
        let done: Void? = try conditionalWrite(write)
        return done != nil
    }
}
