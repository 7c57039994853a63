package testenv

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// CognitoModel returns the path of Cognito's own API model, the Smithy-
// derived JSON that botocore (boto3's core, preinstalled with the AWS CLI
// and moto) ships as data/cognito-idp/2016-04-18/service-2.json.gz: every
// operation's input, output and declared errors, and every shape. It asks
// python3 where botocore is; without python3, botocore or the file it calls
// Missing.
func CognitoModel(t testing.TB) string {
	t.Helper()
	const install = "install Python 3 and `pip install botocore` (it comes with boto3, the AWS CLI and moto)"
	py := LookPath(t, "python3", install)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, "-c", "import botocore, os; print(os.path.dirname(botocore.__file__))").Output()
	if err != nil {
		Missing(t, "botocore", install)
	}
	path := filepath.Join(strings.TrimSpace(string(out)), "data", "cognito-idp", "2016-04-18", "service-2.json.gz")
	if _, err := os.Stat(path); err != nil {
		Missing(t, "botocore's Cognito model ("+path+")", "install a botocore that ships data/cognito-idp")
	}
	return path
}
