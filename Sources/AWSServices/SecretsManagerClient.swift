import JSON

/// Secrets Manager's JSON protocol (`X-Amz-Target: secretsmanager.<Operation>`), for the one call the functions make.
public final class SecretsManagerClient {
    public let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// The `SecretString` of `secret` (a name or an ARN) at `stage` (`AWSCURRENT`, `AWSPREVIOUS`), or nil when the
    /// secret has no version at that stage.
    public func secretString(_ secret: String, stage: String = "AWSCURRENT") throws(AWSError) -> String? {
        let payload: JSONValue = ["SecretId": .string(secret), "VersionStage": .string(stage)]
        do throws(AWSError) {
            let response = try client.send(
                AWSRequest(
                    service: "secretsmanager", method: "POST", path: "/",
                    headers: [
                        ("content-type", "application/x-amz-json-1.1"),
                        ("x-amz-target", "secretsmanager.GetSecretValue"),
                    ],
                    body: payload.serializedBytes))
            do throws(JSONSyntaxError) {
                return try JSONParser.parse(response.body)["SecretString"]?.stringValue
            } catch {
                throw AWSError.invalidResponse("GetSecretValue: \(error)")
            }
        } catch {
            if error.code == "ResourceNotFoundException" && stage != "AWSCURRENT" { return nil }
            throw error
        }
    }
}
