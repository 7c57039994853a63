// Package awsenv builds the aws.Config of the Lambda function from the
// environment the Lambda runtime gives it: region and the execution role's
// credentials in AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN, and endpoint overrides in AWS_ENDPOINT_URL_<SERVICE> or
// AWS_ENDPOINT_URL. `sam local` passes credentials the same way.
//
// It stands in for config.LoadDefaultConfig, which links every credential
// provider of the SDK (shared files, SSO, STS, IMDS, ...): the function needs
// none of them, and leaving them out saves 2 MB of binary and part of the
// cold start.
package awsenv
