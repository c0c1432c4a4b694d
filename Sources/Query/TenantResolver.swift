import ConsumptionTable
import JSON
import LambdaEvents
import LambdaRuntime
import Timekeeping

/// Who is asking, from what API Gateway vouches for — never from a parameter or header the client writes: an
/// authorizer's `tenant` (REST context, HTTP API Lambda authorizer or JWT claim), else the API key's id mapped to a
/// tenant by an item in the table. Key lookups are cached briefly, so a key costs no request per call.
final class TenantResolver {
    private let store: QueryStore
    private let cacheMilliseconds: Int
    private var cache: [String: (tenant: String?, until: Int)] = [:]
    /// Bounds the cache: a flood of unknown key ids cannot grow it without end.
    private let maxCachedKeys = 10_000

    init(store: QueryStore, cacheSeconds: Int) {
        self.store = store
        cacheMilliseconds = cacheSeconds * 1000
    }

    func tenant(of request: APIGatewayRequest) throws(QueryFailure) -> String {
        if let claimed = request.authorizer["tenant"]?.stringValue {
            guard Tenancy.isReadable(claimed) else { throw .api(.forbidden) }
            return claimed
        }
        guard let keyID = request.apiKeyID, !keyID.isEmpty else { throw .api(.forbidden) }
        let now = WallClock.nowMilliseconds()
        if let cached = cache[keyID], cached.until > now {
            guard let tenant = cached.tenant else { throw .api(.forbidden) }
            return tenant
        }
        let tenant = try store.tenant(ofAPIKey: keyID).flatMap { Tenancy.isReadable($0) ? $0 : nil }
        if cache.count >= maxCachedKeys { cache.removeAll() }
        cache[keyID] = (tenant, now + cacheMilliseconds)
        guard let tenant else { throw .api(.forbidden) }
        return tenant
    }
}
