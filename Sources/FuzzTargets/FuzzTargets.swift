import AWSServices
import AWSSigV4
import ConsumptionCore
import CurlHTTP
import Glibc
import JSON
import LambdaEvents
import LambdaRuntime
import Query

/// The inputs a stranger controls, each as a function of bytes that must never trap: a meter file (any format,
/// plain or gzip, fed in chunks whose sizes the input chooses), a JSON text, an event of each kind the functions
/// take, and an API request's path and query. `make fuzz` builds this with libFuzzer; built plainly, it replays
/// files (`fuzz-targets <target> <file>...`), which is how a crash found once stays fixed.
enum FuzzTargets {
    static let names = ["meter-file", "json", "events", "router"]

    static func run(_ target: String, _ bytes: UnsafeBufferPointer<UInt8>) {
        switch target {
        case "meter-file": meterFile(bytes)
        case "json": _ = try? JSONParser.parse(bytes)
        case "events": events(bytes)
        case "router": router(bytes)
        default: break
        }
    }

    /// The first byte picks the chunk size; the rest is the file.
    static func meterFile(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let first = bytes.first else { return }
        let chunk = Int(first) % 64 + 1
        let file = UnsafeBufferPointer(rebasing: bytes.dropFirst())
        let rules = ValidationRules(today: CalendarDate(daysSinceEpoch: 20_000))
        _ = MeterFileReading.read(rules: rules, onMeterDay: { _ in }) { (parser: MeterFileParser) in
            var start = 0
            while start < file.count {
                let end = min(file.count, start + chunk)
                parser.feed(UnsafeBufferPointer(rebasing: file[start..<end]))
                start = end
            }
        }
    }

    static func events(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let json = try? JSONParser.parse(bytes) else { return }
        _ = try? SQSEvent(json: json)
        _ = try? S3Notification(json: json)
        _ = try? DynamoDBStreamEvent(json: json)
        _ = try? APIGatewayRequest(json: json)
    }

    /// The query function's handler, whose table is at an address nothing listens on: a request that passes every
    /// check ends in a refused connection (a 500), so what is fuzzed is everything before the table.
    // libFuzzer calls the target from one thread.
    nonisolated(unsafe) static let handler: QueryHandler? = {
        let aws = AWSConfiguration(
            credentials: AWSCredentials(accessKeyID: "AKIDFUZZ", secretAccessKey: "fuzz"), region: "us-east-1",
            endpoints: ["dynamodb": "http://127.0.0.1:9"])
        guard let http = try? CurlHTTPClient() else { return nil }
        let client = AWSClient(configuration: aws, http: http, retryPolicy: RetryPolicy(maxAttempts: 1))
        guard
            let configuration = try? QueryConfiguration.fromEnvironment([
                "TABLE_NAME": "fuzz", "TOKEN_SECRET": "fuzz-secret-of-16-bytes", "API_KEY_CACHE_SECONDS": "0",
            ])
        else { return nil }
        return QueryHandler(
            configuration: configuration, tokenSecrets: [Array("fuzz-secret-of-16-bytes".utf8)],
            dynamo: DynamoDBClient(client: client), s3: S3Client(client: client), openAPIDocument: [],
            graphQLSchemaDocument: [], dashboardPage: [])
    }()
    static let quiet = LambdaLogger(usesJSON: true, minimumLevel: .error, write: { _ in })

    /// An HTTP API event around the input: up to its first newline the raw path, after it the raw query string.
    static func router(_ bytes: UnsafeBufferPointer<UInt8>) {
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let event: JSONValue = [
            "version": "2.0", "routeKey": "$default", "rawPath": .string(parts.first.map(String.init) ?? ""),
            "rawQueryString": .string(parts.count > 1 ? String(parts[1]) : ""), "headers": [:],
            "requestContext": [
                "requestId": "fuzz", "http": ["method": "GET", "path": "/"],
                "authorizer": ["lambda": ["tenant": "acme"]],
            ],
            "isBase64Encoded": false,
        ]
        guard let request = try? APIGatewayRequest(json: event) else { return }
        _ = handler?.respond(to: request, logger: quiet)
    }
}

#if FUZZING
    private let selected: String = {
        guard let value = getenv("FUZZ_TARGET") else { return "json" }
        return String(cString: value)
    }()

    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// SwiftPM links an executable's entry point under this name; libFuzzer's driver runs from it.
    @_cdecl("FuzzTargets_main")
    func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        var count = argc
        var arguments = argv
        return runFuzzerDriver(&count, &arguments) { data, size in
            FuzzTargets.run(selected, UnsafeBufferPointer(start: data, count: size))
            return 0
        }
    }
#else
    @main
    struct Replay {
        static func main() {
            let arguments = CommandLine.arguments.dropFirst()
            guard let target = arguments.first, FuzzTargets.names.contains(target) else {
                print("usage: fuzz-targets \(FuzzTargets.names.joined(separator: "|")) FILE...")
                exit(2)
            }
            for path in arguments.dropFirst() {
                guard let file = fopen(path, "rb") else { continue }
                var bytes: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = fread(&buffer, 1, buffer.count, file)
                    if count <= 0 { break }
                    bytes += buffer[0..<count]
                }
                fclose(file)
                bytes.withUnsafeBufferPointer { FuzzTargets.run(target, $0) }
            }
            print("replayed \(arguments.count - 1) input(s) through \(target)")
        }
    }
#endif
