import AWSServices
import CSystem
import CurlHTTP
import LambdaRuntime
import Query

// The query function: the consumption API behind API Gateway. Configuration and the OpenAPI document are read
// here, once; a missing one fails the init instead of every request.
Lambda.run { logger in
    let environment = Environment.current()
    let configuration = try QueryConfiguration.fromEnvironment(environment)
    let aws: AWSConfiguration
    do throws(AWSError) {
        aws = try AWSConfiguration.fromEnvironment(environment)
    } catch {
        throw LambdaError(errorType: RuntimeErrorType.invalidConfiguration, errorMessage: error.description)
    }
    guard let document = readFile(configuration.openAPIPath) else {
        throw LambdaError(
            errorType: RuntimeErrorType.invalidConfiguration,
            errorMessage: "cannot read the OpenAPI document at \(configuration.openAPIPath)")
    }
    let client = AWSClient(configuration: aws, http: try CurlHTTPClient())
    let handler = QueryHandler(
        configuration: configuration, dynamo: DynamoDBClient(client: client), openAPIDocument: document)
    logger.info("query ready", ["table": .string(configuration.tableName)])
    return handler.handle
}

/// A whole small file, or nil.
func readFile(_ path: String) -> [UInt8]? {
    let descriptor = csystem_open_read(path)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 { return nil }
        if count == 0 { return bytes }
        bytes += buffer[0..<count]
    }
}
