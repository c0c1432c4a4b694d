// swift-tools-version: 6.0
import PackageDescription

// Layers point one way: ConsumptionCore <- AWS plumbing <- functions.
// The core stays free of Foundation so the Lambda binaries that embed it stay small.
let package = Package(
    name: "DailyConsumption",
    products: [
        .library(name: "ConsumptionCore", targets: ["ConsumptionCore"]),
        .library(name: "JSON", targets: ["JSON"]),
        .executable(name: "consumption", targets: ["consumption"]),
        .executable(name: "runtime-probe", targets: ["RuntimeProbe"]),
        .executable(name: "local-lambda", targets: ["LocalLambda"]),
        .executable(name: "ingest", targets: ["IngestFunction"]),
        .executable(name: "query", targets: ["QueryFunction"]),
        .executable(name: "fuzz-targets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "CPrefetch"),
        .target(
            name: "ConsumptionCore",
            dependencies: ["CZlib", "CPrefetch"]
        ),
        .target(name: "JSON"),
        // The wall clock and deadlines: one clock for the runtime, the AWS clients and the functions.
        .target(
            name: "Timekeeping",
            dependencies: ["CSystem"]
        ),
        .executableTarget(name: "LocalLambda"),
        .executableTarget(
            name: "RuntimeProbe",
            dependencies: ["LambdaRuntime", "JSON", "CSystem"]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(name: "CSystem"),
        // SHA-256 and HMAC, apart from the signer: the table's keys and the page tokens hash without signing.
        .target(
            name: "Hashing",
            dependencies: ["COpenSSL"]
        ),
        .target(
            name: "AWSSigV4",
            dependencies: ["Hashing", "CSystem"]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "CurlHTTP",
            dependencies: ["CCurl"]
        ),
        .target(
            name: "AWSServices",
            dependencies: ["AWSSigV4", "Hashing", "CurlHTTP", "JSON", "CSystem", "Timekeeping"]
        ),
        .target(
            name: "LambdaEvents",
            dependencies: ["JSON", "Hashing"]
        ),
        .target(
            name: "LambdaRuntime",
            dependencies: ["CurlHTTP", "JSON", "CSystem", "Timekeeping"]
        ),
        .target(
            name: "ConsumptionTable",
            dependencies: ["ConsumptionCore", "Hashing", "JSON"]
        ),
        .target(
            name: "Ingest",
            dependencies: [
                "ConsumptionCore", "ConsumptionTable", "AWSServices", "Hashing", "JSON", "LambdaEvents",
                "LambdaRuntime", "Timekeeping",
            ]
        ),
        .executableTarget(
            name: "IngestFunction",
            dependencies: ["Ingest", "AWSServices", "CurlHTTP", "LambdaRuntime"]
        ),
        .target(
            name: "GraphQL",
            dependencies: ["JSON"]
        ),
        .target(
            name: "Query",
            dependencies: [
                "ConsumptionCore", "ConsumptionTable", "AWSServices", "Hashing", "JSON", "LambdaEvents",
                "LambdaRuntime", "Timekeeping", "GraphQL",
            ],
            // Served from beside the bootstrap: the descriptions of the API, and the dashboard.
            exclude: ["openapi.json", "schema.graphql", "dashboard.html"]
        ),
        .executableTarget(
            name: "QueryFunction",
            dependencies: ["Query", "AWSServices", "CurlHTTP", "JSON", "LambdaRuntime"]
        ),
        // `make fuzz` builds it with libFuzzer (`-sanitize=fuzzer -DFUZZING`); plainly built it replays inputs.
        .executableTarget(
            name: "FuzzTargets",
            dependencies: [
                "ConsumptionCore", "JSON", "LambdaEvents", "Query", "AWSServices", "AWSSigV4", "CurlHTTP",
                "LambdaRuntime",
            ]
        ),
        .executableTarget(
            name: "consumption",
            dependencies: [
                "ConsumptionCore",
                "JSON",
                "Ingest",
                "ConsumptionTable",
                "AWSServices",
                "CurlHTTP",
                "CCurl",
                "LambdaRuntime",
                "Timekeeping",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "ConsumptionCoreTests",
            dependencies: ["ConsumptionCore", "CZlib", "TestSupport"]
        ),
        .testTarget(
            name: "JSONTests",
            dependencies: ["JSON", "TestSupport"]
        ),
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "CurlHTTPTests",
            dependencies: ["CurlHTTP", "JSON", "TestSupport"]
        ),
        .testTarget(
            name: "LambdaEventsTests",
            dependencies: ["LambdaEvents", "JSON", "Hashing"]
        ),
        .testTarget(
            name: "LambdaRuntimeTests",
            dependencies: ["LambdaRuntime", "JSON", "CurlHTTP", "TestSupport", "Timekeeping"]
        ),
        .testTarget(
            name: "AWSServicesTests",
            dependencies: ["AWSServices", "AWSSigV4", "Hashing", "CurlHTTP", "JSON", "TestSupport", "Timekeeping"]
        ),
        .testTarget(
            name: "IngestTests",
            dependencies: [
                "Ingest", "ConsumptionTable", "AWSServices", "AWSSigV4", "ConsumptionCore", "CurlHTTP", "JSON",
                "LambdaEvents", "LambdaRuntime", "Timekeeping", "InMemoryWire", "InMemoryDynamoDB",
            ]
        ),
        .testTarget(
            name: "GraphQLTests",
            dependencies: ["GraphQL", "JSON"]
        ),
        .testTarget(
            name: "QueryTests",
            dependencies: [
                "Query", "GraphQL", "ConsumptionCore", "ConsumptionTable", "AWSServices", "AWSSigV4", "CurlHTTP",
                "InMemoryWire", "InMemoryDynamoDB", "JSON", "LambdaEvents", "LambdaRuntime",
            ]
        ),
        // The deterministic simulation of ingest: AWS services in memory behind the HTTP transport, written
        // from AWS's documentation, and the simulator that interleaves invocations over them.
        .target(name: "InMemoryWire", dependencies: ["CurlHTTP"], path: "Tests/InMemoryAWS/Wire"),
        .target(
            name: "InMemoryDynamoDB", dependencies: ["InMemoryWire", "CurlHTTP", "Hashing", "JSON"],
            path: "Tests/InMemoryAWS/DynamoDB"),
        .target(
            name: "InMemoryS3", dependencies: ["InMemoryWire", "CurlHTTP", "JSON"], path: "Tests/InMemoryAWS/S3"),
        .target(
            name: "InMemoryMessaging", dependencies: ["InMemoryWire", "CurlHTTP", "JSON"],
            path: "Tests/InMemoryAWS/Messaging"),
        .testTarget(
            name: "InMemoryDynamoDBTests",
            dependencies: [
                "InMemoryDynamoDB", "InMemoryWire", "AWSServices", "AWSSigV4", "CurlHTTP", "JSON", "LambdaEvents",
                "Timekeeping",
            ]
        ),
        .testTarget(
            name: "InMemoryS3Tests",
            dependencies: [
                "InMemoryS3", "InMemoryMessaging", "InMemoryWire", "AWSServices", "CurlHTTP", "JSON", "LambdaEvents",
                "Timekeeping",
            ]
        ),
        .target(
            name: "Simulation",
            dependencies: [
                "Ingest", "ConsumptionCore", "ConsumptionTable", "AWSServices", "AWSSigV4", "CurlHTTP", "JSON",
                "LambdaRuntime", "Timekeeping", "InMemoryWire", "InMemoryDynamoDB", "InMemoryS3", "InMemoryMessaging",
                "TestSupport",
            ],
            path: "Tests/Simulation"),
        .executableTarget(name: "simulate", dependencies: ["Simulation"], path: "Tests/Simulate"),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation"]),
        .testTarget(
            name: "AWSSigV4Tests",
            dependencies: ["AWSSigV4", "Hashing", "JSON"]
        ),
    ]
)
