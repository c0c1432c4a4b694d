import AWSServices
import AWSSigV4
import ConsumptionTable
import InMemoryDynamoDB
import InMemoryWire
import Testing

@testable import Ingest

/// The offering lease as the source item keeps it, over the in-memory DynamoDB: any number of invocations offer a
/// switch's version at once, and the one that records the offers done ends the lease only when no other offerer
/// may still be sending. A later switch retires the version no sooner than the lease left.
@Suite struct OfferingLeaseTests {
    static let table = "consumption"
    let sources: SourceStore
    let switchCount: Int
    let key = "incoming/acme/a.csv"

    init() throws {
        let service = DynamoDBService(indexLagMilliseconds: 0, streamShardCount: 1)
        let transport = ServiceTransport(service)
        try service.createTable(.consumption(name: Self.table, streamEnabled: false), at: transport.nowMilliseconds)
        let client = AWSClient(
            configuration: AWSConfiguration(
                credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret"),
                region: "us-east-1", endpoints: ["dynamodb": "http://dynamodb.sim"]),
            http: transport)
        sources = SourceStore(dynamo: DynamoDBClient(client: client), table: Self.table, tenant: "acme")
        let version = VersionIdentity(key: key, tag: "v1", versionID: "v1", eTag: "e", lastModified: 1)
        let switched = SourceItem(key: key).switched(to: .init(identity: version, meterDays: 10), now: 1_000)
        #expect(try sources.replace(switched, expectedSwitchCount: 0, now: "t0"))
        switchCount = switched.switchCount
    }

    func join(_ offerer: String, offered: Int = 0) throws -> Bool {
        try sources.recordOffers(
            key: key, switchCount: switchCount, offerer: offerer, offered: offered, until: 61_000, now: "t")
    }

    func finish(_ offerer: String, everyAnswerInHand: Bool = true) throws -> SourceStore.OffersEnd {
        try sources.finishOffers(
            key: key, switchCount: switchCount, offerer: offerer, alone: everyAnswerInHand, until: 70_000, now: "t")
    }

    /// When a switch at 80,000 would retire the version.
    func retireOfTheVersion() throws -> Int? {
        try sources.read(key: key).switched(to: nil, now: 80_000).retiring.first?.notBefore
    }

    @Test func aLoneOffererWithEveryAnswerInHandEndsTheLease() throws {
        #expect(try join("A"))
        #expect(try join("A", offered: 5))
        #expect(try finish("A") == .leaseEnded)
        let state = try sources.read(key: key)
        #expect(state.offered == nil && state.offeringUntil == nil)
        #expect(try retireOfTheVersion() == 0)
    }

    /// Seed 149341: the first of two offerers to finish must leave a lease for the second, still sending.
    @Test func aFinishBesideAnotherOffererKeepsTheLeaseForIt() throws {
        #expect(try join("A"))
        #expect(try join("B"))
        #expect(try finish("A") == .leaseKept(70_000))
        #expect(try retireOfTheVersion() == 70_000)
        // The second finds the offers done: it offers no more.
        #expect(try !join("B", offered: 5))
        #expect(try finish("B") == .notPending)
    }

    @Test func anOffererThatLeftWithEveryAnswerInHandHoldsNoLease() throws {
        #expect(try join("A"))
        #expect(try join("B"))
        try sources.leaveOffers(key: key, switchCount: switchCount, offerer: "B", now: "t")
        #expect(try finish("A") == .leaseEnded)
        #expect(try retireOfTheVersion() == 0)
    }

    @Test func anOffererThatLostAnAnswerKeepsTheLease() throws {
        #expect(try join("A"))
        #expect(try finish("A", everyAnswerInHand: false) == .leaseKept(70_000))
        #expect(try retireOfTheVersion() == 70_000)
    }

    @Test func aLaterSwitchStopsEveryOfferingWrite() throws {
        #expect(try join("A"))
        let state = try sources.read(key: key)
        #expect(try sources.replace(state.switched(to: nil, now: 2_000), expectedSwitchCount: switchCount, now: "t"))
        #expect(try !join("A", offered: 5))
        #expect(try finish("A") == .notPending)
    }
}
