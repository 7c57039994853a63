package testenv

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/phonepass/phonepass/internal/venv"
)

// CognitoModel returns the path of Cognito's own API model, the Smithy-
// derived JSON that botocore (boto3's core, pinned in the project's virtual
// environment) ships as data/cognito-idp/2016-04-18/service-2.json.gz:
// every operation's input, output and declared errors, and every shape. It
// asks the virtual environment's python where botocore is; without it,
// botocore or the file it calls Missing.
func CognitoModel(t testing.TB) string {
	t.Helper()
	const install = venv.Install
	py := VenvBin(t, "python")
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
