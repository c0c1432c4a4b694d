import LambdaRuntime
import Testing

@Suite struct LambdaErrorTests {
    struct Unreadable: Error, CustomStringConvertible {
        var description: String { "AWS_REGION must be set" }
    }

    @Test func aConfigurationsOwnErrorIsReportedAsTheInitError() throws {
        #expect(throws: LambdaError(errorType: "Runtime.InvalidConfiguration", errorMessage: "AWS_REGION must be set"))
        {
            try LambdaError.configuration { () throws(Unreadable) -> Int in throw Unreadable() }
        }
        #expect(try LambdaError.configuration { () throws(Unreadable) in 7 } == 7)
    }
}
