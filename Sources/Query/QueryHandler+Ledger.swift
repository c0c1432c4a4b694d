import ConsumptionTable
import JSON
import LambdaEvents

/// `GET /ingestions` and the version lists of an object and of an upload: the ledger a page at a time.
extension QueryHandler {
    func ingestions(_ request: APIGatewayRequest, tenant: String) throws(QueryFailure) -> APIGatewayResponse {
        let (entries, nextToken) = try ingestionPage(
            try parameters(request, ["status", "limit", "nextToken"]), tenant: tenant)
        return Self.json(
            200, ["items": .array(entries), "nextToken": nextToken.map(JSONValue.string) ?? .null])
    }

    /// A page of the tenant's ledger, newest first, optionally of one status.
    func ingestionPage(_ query: QueryParameters, tenant: String) throws(QueryFailure)
        -> (entries: [JSONValue], nextToken: String?)
    {
        let (text, limit) = try checked { () throws(APIError) in (try query.single("status"), try query.limit()) }
        let status = text.flatMap(LedgerStatus.init(rawValue:))
        if text != nil, status == nil {
            throw .api(
                .badRequest(
                    "status", "'status' must be one of \(LedgerStatus.allCases.map(\.rawValue).joined(separator: ", "))"
                ))
        }
        let scope = "\(tenant)|ingestions|\(status?.rawValue ?? "")"
        let start = try checked { () throws(APIError) -> JSONValue? in
            guard let token = try query.single("nextToken") else { return nil }
            return try tokens.decode(token, scope: scope)
        }
        let page = try store.ledger(tenant: tenant, status: status, limit: limit, start: start)
        return (page.entries.map(LedgerEntry.json), page.next.map { tokens.encode(scope: scope, position: $0) })
    }

    /// A page of the ledger entries of a key's versions, or of the keys under a prefix (an upload's one key, each
    /// post of its form a version), newest first within the page.
    func versionPage(_ query: QueryParameters, tenant: String, of versions: QueryStore.LedgerVersions)
        throws(QueryFailure) -> (entries: [LedgerItem], nextToken: String?)
    {
        let limit = try checked { () throws(APIError) in try query.limit() }
        let scope = "\(tenant)|versions|\(versions.scope)"
        let start = try checked { () throws(APIError) -> JSONValue? in
            guard let token = try query.single("nextToken") else { return nil }
            return try tokens.decode(token, scope: scope)
        }
        let page = try store.ledgerPage(tenant: tenant, of: versions, limit: limit, start: start)
        return (page.entries, page.next.map { tokens.encode(scope: scope, position: $0) })
    }
}
