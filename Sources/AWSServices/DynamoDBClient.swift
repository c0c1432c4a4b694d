import JSON
import Timekeeping

/// DynamoDB's JSON 1.0 protocol (`X-Amz-Target: DynamoDB_20120810.<Operation>`). Items travel as JSON values in
/// DynamoDB's attribute-value form; numbers stay strings (`{"N": "12.5"}`), never Doubles.
public final class DynamoDBClient {
    public let client: AWSClient
    /// BatchWriteItem takes 25 items a call, BatchGetItem 100 keys, TransactWriteItems 100 actions.
    public static let batchWriteLimit = 25
    public static let batchGetLimit = 100
    public static let transactionLimit = 100

    public init(client: AWSClient) {
        self.client = client
    }

    /// One operation: its JSON request in, its JSON answer out.
    public func call(_ operation: String, _ payload: JSONValue, deadline: Deadline? = nil) throws(AWSError)
        -> JSONValue
    {
        let response = try client.send(Self.request(operation, payload, deadline))
        return try Self.answer(operation, response.body)
    }

    private static func request(_ operation: String, _ payload: JSONValue, _ deadline: Deadline?) -> AWSRequest {
        AWSRequest(
            service: "dynamodb", method: "POST", path: "/",
            headers: [
                ("content-type", "application/x-amz-json-1.0"), ("x-amz-target", "DynamoDB_20120810.\(operation)"),
            ],
            body: payload.serializedBytes, deadline: deadline)
    }

    private static func answer(_ operation: String, _ body: [UInt8]) throws(AWSError) -> JSONValue {
        do throws(JSONSyntaxError) {
            return try JSONParser.parse(body)
        } catch {
            throw .invalidResponse("\(operation): \(error)")
        }
    }

    public func getItem(table: String, key: JSONValue, consistent: Bool = false) throws(AWSError) -> JSONValue? {
        let answer = try call(
            "GetItem", ["TableName": .string(table), "Key": key, "ConsistentRead": .bool(consistent)])
        return answer["Item"]
    }

    public func putItem(table: String, item: JSONValue, condition: JSONValue? = nil) throws(AWSError) {
        var payload: [String: JSONValue] = ["TableName": .string(table), "Item": item]
        if case .object(let extra)? = condition { payload.merge(extra) { _, new in new } }
        _ = try call("PutItem", .object(payload))
    }

    /// UpdateItem with the caller's expression members (`UpdateExpression`, `ConditionExpression`, names, values).
    public func updateItem(table: String, key: JSONValue, expression: [String: JSONValue]) throws(AWSError) -> JSONValue
    {
        var payload = expression
        payload["TableName"] = .string(table)
        payload["Key"] = key
        return try call("UpdateItem", .object(payload))
    }

    public func deleteItem(table: String, key: JSONValue) throws(AWSError) {
        _ = try call("DeleteItem", ["TableName": .string(table), "Key": key])
    }

    /// Every item a query matches, following `LastEvaluatedKey` page after page (at most `maxPages`).
    public func query(table: String, parameters: [String: JSONValue], maxPages: Int = 10_000) throws(AWSError)
        -> [JSONValue]
    {
        var items: [JSONValue] = []
        _ = try queryPages(table: table, parameters: parameters, maxPages: maxPages) { page, _ in
            items += page
            return true
        }
        return items
    }

    /// A Query page by page from `start` (an `ExclusiveStartKey`): `onPage` gets each page's items and the next
    /// page's request members (to change its `Limit`, say), and says whether to go on. Returns the key to resume
    /// from, nil once the query is exhausted; more than `maxPages` pages is an error.
    public func queryPages(
        table: String, parameters: [String: JSONValue], from start: JSONValue? = nil, maxPages: Int = 10_000,
        onPage: ([JSONValue], inout [String: JSONValue]) throws(AWSError) -> Bool
    ) throws(AWSError) -> JSONValue? {
        try pages("Query", table: table, parameters: parameters, from: start, maxPages: maxPages, onPage: onPage)
    }

    /// A Scan (or one `Segment` of a parallel one) page by page, as `queryPages` reads a Query.
    public func scanPages(
        table: String, parameters: [String: JSONValue], from start: JSONValue? = nil, maxPages: Int = 1_000_000,
        onPage: ([JSONValue], inout [String: JSONValue]) throws(AWSError) -> Bool
    ) throws(AWSError) -> JSONValue? {
        try pages("Scan", table: table, parameters: parameters, from: start, maxPages: maxPages, onPage: onPage)
    }

    private func pages(
        _ operation: String, table: String, parameters: [String: JSONValue], from start: JSONValue?, maxPages: Int,
        onPage: ([JSONValue], inout [String: JSONValue]) throws(AWSError) -> Bool
    ) throws(AWSError) -> JSONValue? {
        var payload = parameters
        payload["TableName"] = .string(table)
        if let start { payload["ExclusiveStartKey"] = start }
        for _ in 0..<maxPages {
            let answer = try call(operation, .object(payload))
            let last = answer["LastEvaluatedKey"].flatMap { $0 == .null ? nil : $0 }
            if let last { payload["ExclusiveStartKey"] = last }
            guard try onPage(answer["Items"]?.arrayValue ?? [], &payload), last != nil else { return last }
        }
        throw .invalidResponse("\(operation) returned more than \(maxPages) pages")
    }

    /// Writes `requests` (`{"PutRequest": ...}` or `{"DeleteRequest": ...}`) 25 to a call, `maxInFlight` calls at
    /// a time, retrying UnprocessedItems with backoff until all are written or the retry policy gives up.
    public func batchWrite(
        table: String, requests: [JSONValue], maxInFlight: Int = 1, deadline: Deadline? = nil
    ) throws(AWSError) {
        var pending = requests
        try untilProcessed { () throws(AWSError) -> Bool in
            let chunks = stride(from: 0, to: pending.count, by: Self.batchWriteLimit).map {
                Array(pending[$0..<min(pending.count, $0 + Self.batchWriteLimit)])
            }
            let payloads: [JSONValue] = chunks.map { ["RequestItems": .object([table: .array($0)])] }
            var unprocessed: [JSONValue] = []
            for answer in callAll(
                "BatchWriteItem", payloads, maxInFlight: maxInFlight,
                deadline: deadline)
            {
                unprocessed += try answer.get()["UnprocessedItems"]?[table]?.arrayValue ?? []
            }
            pending = unprocessed
            return pending.isEmpty
        }
    }

    /// The same operation with many payloads, `maxInFlight` at a time; each answer in payload order.
    public func callAll(
        _ operation: String, _ payloads: [JSONValue], maxInFlight: Int, deadline: Deadline? = nil
    ) -> [Result<JSONValue, AWSError>] {
        let requests = payloads.map { Self.request(operation, $0, deadline) }
        return client.sendAll(requests, maxInFlight: maxInFlight).map { outcome in
            outcome.flatMap { response in
                Result { () throws(AWSError) in try Self.answer(operation, response.body) }
            }
        }
    }

    /// Reads items by key, 100 keys a call, `maxInFlight` calls at a time, retrying UnprocessedKeys (packed into new
    /// calls) with backoff; items come back in no particular order.
    public func batchGet(
        table: String, keys: [JSONValue], consistent: Bool = false, maxInFlight: Int = 1, deadline: Deadline? = nil
    ) throws(AWSError) -> [JSONValue] {
        var items: [JSONValue] = []
        var pending = keys
        try untilProcessed { () throws(AWSError) -> Bool in
            let payloads: [JSONValue] = stride(from: 0, to: pending.count, by: Self.batchGetLimit).map {
                let chunk = Array(pending[$0..<min(pending.count, $0 + Self.batchGetLimit)])
                return ["RequestItems": .object([table: ["Keys": .array(chunk), "ConsistentRead": .bool(consistent)]])]
            }
            var unprocessed: [JSONValue] = []
            for answer in callAll("BatchGetItem", payloads, maxInFlight: maxInFlight, deadline: deadline) {
                let answer = try answer.get()
                items += answer["Responses"]?[table]?.arrayValue ?? []
                unprocessed += answer["UnprocessedKeys"]?[table]?["Keys"]?.arrayValue ?? []
            }
            pending = unprocessed
            return pending.isEmpty
        }
        return items
    }

    /// All or nothing; a cancelled transaction throws `TransactionCanceledException` with one reason per action.
    public func transactWrite(_ actions: [JSONValue]) throws(AWSError) {
        guard actions.count <= Self.transactionLimit else {
            throw .configuration(
                "TransactWriteItems takes at most \(Self.transactionLimit) actions, got \(actions.count)")
        }
        _ = try call("TransactWriteItems", ["TransactItems": .array(actions)])
    }

    /// Runs `attempt` until it says everything was processed, backing off between tries like any retry.
    private func untilProcessed(_ attempt: () throws(AWSError) -> Bool) throws(AWSError) {
        let policy = client.retryPolicy
        for round in 1...policy.maxAttempts {
            if try attempt() { return }
            MonotonicClock.sleep(milliseconds: policy.delayMilliseconds(afterAttempt: round, using: &client.random))
        }
        throw .outOfTime(lastError: "items still unprocessed after \(policy.maxAttempts) rounds")
    }
}
