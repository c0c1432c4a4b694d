import InMemoryWire
import TestSupport

/// What can go wrong with one request, and how often (parts per million of requests). Drawn per request from the
/// run's seeded generator, and counted by kind for the bench's figures.
public struct FaultPlan: Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        /// Refused unapplied: DynamoDB's ThrottlingException, S3's SlowDown, SQS's throttling.
        case throttle
        /// Refused unapplied with a 500.
        case serverError
        /// Applied, but the answer never arrives (a timeout the client retries).
        case lostAnswer
        /// The process dies before the request leaves: nothing of it is applied.
        case crashBefore
        /// The process dies after the request was applied, before it reads the answer.
        case crashAfter
        /// An object's bytes stop part-way (the reader resumes where it stopped).
        case cutBody
        /// The request takes 5 to 40 seconds: what brings an invocation to its deadline.
        case slow
    }

    public var perMillion: [Kind: Int]
    /// Faults put on chosen requests rather than drawn: what pins a path a drawn schedule found and a change of the
    /// code's requests would no longer reach.
    public var pinned: [Pinned]

    /// A fault on the `occurrence`th request (from 1) whose DynamoDB operation (`X-Amz-Target`'s, as
    /// `DeleteItem`) is `operation` and whose body holds `containing`.
    public struct Pinned: Sendable {
        public var kind: Kind
        public var operation: String
        public var containing: String
        public var occurrence: Int

        public init(_ kind: Kind, operation: String, containing: String, occurrence: Int = 1) {
            self.kind = kind
            self.operation = operation
            self.containing = containing
            self.occurrence = occurrence
        }

        func matches(_ request: WireRequest) -> Bool {
            let target = request.headers.first { $0.name.lowercased() == "x-amz-target" }?.value ?? ""
            return target.hasSuffix(".\(operation)")
                && String(decoding: request.body, as: UTF8.self).contains(containing)
        }
    }

    public init(perMillion: [Kind: Int] = [:], pinned: [Pinned] = []) {
        self.perMillion = perMillion
        self.pinned = pinned
    }

    /// No fault at all.
    public static let calm = FaultPlan()

    /// A plan drawn by seed: some runs calm, some stormy, each kind on or off.
    public static func drawn(using random: inout TestRandom) -> FaultPlan {
        var plan = FaultPlan()
        guard random.chance(800_000) else { return plan }
        for kind in Kind.allCases where random.chance(500_000) {
            // A process dies far less often than a request is throttled: at 2% a part of a thousand requests
            // would never finish, in the simulation as on AWS.
            let rates: [Int]
            switch kind {
            case .crashBefore, .crashAfter: rates = [50, 200, 1_000]
            // Requests of 5 to 40 s: at 2% a part's every invocation would end at its deadline.
            case .slow: rates = [500, 2_000, 5_000]
            default: rates = [1_000, 5_000, 20_000]
            }
            plan.perMillion[kind] = rates.randomElement(using: &random) ?? rates[0]
        }
        return plan
    }

    /// The fault for one request, if any.
    func draw(using random: inout TestRandom) -> Kind? {
        for kind in Kind.allCases {
            if let chance = perMillion[kind], random.chance(chance) { return kind }
        }
        return nil
    }
}
