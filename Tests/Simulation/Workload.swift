import TestSupport

/// What users do to the bucket during a run, each at a time after the run's start. Drawn by seed, or written out
/// by hand in a regression test (a shrunk replay prints itself in this form).
public struct Workload: CustomStringConvertible, Sendable {
    public enum Action: CustomStringConvertible, Sendable {
        /// Uploads a file under `key` (a new version).
        case put(key: String, file: FileSpec)
        /// Deletes the key: a delete marker.
        case delete(key: String)
        /// Deletes the key's newest version or marker for good, so the one before it is current again (a restore,
        /// or an undelete when it was a marker).
        case deleteNewest(key: String)
        /// S3's lifecycle rule removes versions noncurrent for at least this long, with no event.
        case expireNoncurrent(olderThanMilliseconds: Int)

        public var description: String {
            switch self {
            case .put(let key, let file): return ".put(key: \"\(key)\", file: \(file))"
            case .delete(let key): return ".delete(key: \"\(key)\")"
            case .deleteNewest(let key): return ".deleteNewest(key: \"\(key)\")"
            case .expireNoncurrent(let age): return ".expireNoncurrent(olderThanMilliseconds: \(age))"
            }
        }
    }

    /// A file as a replay writes it: its layout and content drawn from its own seed.
    public struct FileSpec: CustomStringConvertible, Sendable {
        public var layout: String
        public var gzip: Bool
        public var invalid: Bool
        public var meters: Int
        public var days: Int
        public var seed: UInt64

        public init(layout: String, gzip: Bool, invalid: Bool, meters: Int, days: Int, seed: UInt64) {
            self.layout = layout
            self.gzip = gzip
            self.invalid = invalid
            self.meters = meters
            self.days = days
            self.seed = seed
        }

        public var description: String {
            ".init(layout: \"\(layout)\", gzip: \(gzip), invalid: \(invalid), meters: \(meters), days: \(days), "
                + "seed: \(seed))"
        }

        /// The file itself: `meters` meters of the pool from a drawn first one, `days` days from a drawn first
        /// day, values drawn from `seed`.
        func file() -> MeterFile {
            var random = TestRandom(seed: seed)
            let layout = MeterFile.Layout(rawValue: layout) ?? .wide
            let firstMeter = Int.random(in: 0..<8, using: &random)
            let firstDay = Int.random(in: 1...3, using: &random)
            var readings: [(meter: String, date: String, values: [Int])] = []
            for day in firstDay..<(firstDay + days) {
                for offset in 0..<meters {
                    let meter = "m\(String(firstMeter + offset).leftPadded(to: 4))"
                    let date = "2024-05-\(String(day).leftPadded(to: 2))"
                    let count = layout == .dailyValues ? 1 : 48
                    readings.append((meter, date, (0..<count).map { _ in Int.random(in: 0...2_000, using: &random) }))
                }
            }
            return MeterFile(layout: layout, gzip: gzip, readings: readings, invalid: invalid)
        }
    }

    public var steps: [(afterMilliseconds: Int, action: Action)]

    public init(steps: [(afterMilliseconds: Int, action: Action)]) {
        self.steps = steps
    }

    public var description: String {
        "Workload(steps: [\n" + steps.map { "    (\($0.afterMilliseconds), \($0.action))," }.joined(separator: "\n")
            + "\n])"
    }

    /// A drawn workload: a few keys of one or two tenants, small files mostly, with overwrites, rejected
    /// uploads, deletes, restores, undeletes and expiry; with `large`, one file big enough to be cut into ranges
    /// and settled in parts.
    public static func drawn(using random: inout TestRandom, large: Bool) -> Workload {
        let keys = [
            "incoming/acme/a.csv", "incoming/acme/b.csv", "incoming/acme/c.csv.gz", "incoming/globex/a.csv",
            "incoming/acme/t.csv",
        ]
        var steps: [(afterMilliseconds: Int, action: Action)] = []
        let count = Int.random(in: 2...8, using: &random)
        var time = 0
        for index in 0..<count {
            time += [0, 5, 50, 500, 5_000, 60_000, 400_000].randomElement(using: &random) ?? 0
            let key = keys.randomElement(using: &random) ?? keys[0]
            let roll = Int.random(in: 0..<100, using: &random)
            let action: Action
            if large && index == 0 {
                action = .put(
                    key: "incoming/acme/big.csv",
                    file: FileSpec(
                        layout: "dailyValues", gzip: false, invalid: false, meters: 1_250, days: 2,
                        seed: random.next()))
            } else if roll < 60 || index == 0 {
                let layout = key.hasSuffix("t.csv") ? "timestamped" : (random.chance(300_000) ? "dailyValues" : "wide")
                action = .put(
                    key: key,
                    file: FileSpec(
                        layout: layout, gzip: key.hasSuffix(".gz"), invalid: random.chance(250_000),
                        meters: Int.random(in: 1...3, using: &random), days: Int.random(in: 1...2, using: &random),
                        seed: random.next()))
            } else if roll < 75 {
                action = .delete(key: key)
            } else if roll < 95 {
                action = .deleteNewest(key: key)
            } else {
                action = .expireNoncurrent(olderThanMilliseconds: 60_000)
            }
            steps.append((time, action))
        }
        return Workload(steps: steps)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
