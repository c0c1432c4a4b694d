/// The DynamoDB calls one API request may make: GraphQL's cost analysis bounds what a document asks for
/// before it runs, but it estimates; this counts what the store really sends, so that no request, REST or GraphQL,
/// can run into the function's timeout however the data lies (pages that hold little, a shard after another).
final class CallBudget {
    /// The largest legitimate request: GraphQL's ten data fields (`Executor.maxResolverFields`) of a day's meters,
    /// each reading its 16 sum shards' index partitions (160 Queries), and the API key's lookup; the REST API's
    /// largest, the ledger by status, reads at most 10 pages (a version list, one). At about 10 ms a call in a
    /// region, 200 calls take two of the function's 10 seconds.
    static let perRequest = 200

    let limit: Int
    private(set) var spent = 0
    /// Whose request it is, once known: the tenant the calls are spent for, in the request's metrics line.
    var tenant: String?

    init(limit: Int = CallBudget.perRequest) {
        self.limit = limit
    }

    /// A new request: nothing spent yet. Lambda hands a function one request at a time.
    func reset() {
        spent = 0
        tenant = nil
    }

    /// Spends one call: false, spending nothing, when the request has made all it may.
    func spend() -> Bool {
        guard spent < limit else { return false }
        spent += 1
        return true
    }

    /// What a request that needs more calls is answered.
    var refusal: APIError {
        APIError(
            status: 400, code: "call-limit",
            message: "the request needs more than \(limit) reads of the table; ask for smaller pages or fewer fields")
    }
}
