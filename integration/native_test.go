package integration_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/sclevine/spec"
)

// testNative builds apps whose packages compile C code against the build
// image's development files, and runs them against the PostgreSQL and
// MariaDB servers scripts/setup.sh starts on loopback, with the run image's
// client libraries. They run on CPython 3.11, the fixture that has headers.
func testNative(t *testing.T, context spec.G, it spec.S) {
	Expect := NewWithT(t).Expect

	it("builds psycopg2 from its sdist for a Django app whose start command migrates, then serves a page that writes and reads rows", func() {
		db := testDatabases(t)
		schema := postgresSchema(t, db)
		image := imageName(t)
		source := app(t, "django-postgres", nil)

		logs := mustBuild(t, image, source, suite.buildpack)
		Expect(logs).To(ContainSubstring("Selected CPython 3.11.11"))
		Expect(logs).To(ContainSubstring("Pointed CPython's build configuration (sysconfig) at the system compiler (cc, c++) and at /layers/python-cnb_cpython/cpython"))
		Expect(logs).To(MatchRegexp(`Building wheel for psycopg2 \(pyproject.toml\): finished with status 'done'`))

		port, id := start(t, image, db.postgresEnv(schema)...)
		first := jsonOf(t, getPath(t, port, "/?text=first"))
		Expect(logsOf(t, id)).To(ContainSubstring("Applying notes.0001_initial... OK"))
		Expect(first["schema"]).To(Equal(schema))
		Expect(first["notes"]).To(Equal([]interface{}{"first"}))
		Expect(first["psycopg2"]).To(HavePrefix("/layers/python-cnb_pip/venv/lib/python3.11/site-packages/psycopg2/"))
		Expect(first["libpq"]).To(BeNumerically(">=", 150000), "psycopg2 was built against Debian's libpq 15")
		second := jsonOf(t, getPath(t, port, "/?text=second"))
		Expect(second["notes"]).To(Equal([]interface{}{"first", "second"}))
	})

	it("builds mysqlclient from its sdist, loads pyodbc's drivers, installs a git requirement, and still serves after a rebase onto an updated run image", func() {
		db := testDatabases(t)
		repo := gitServer(t)
		image := imageName(t)
		source := app(t, "dbclients", map[string]string{
			"requirements.txt": "mysqlclient==2.2.7\npyodbc==5.2.0\ngreeting @ git+" + repo + "@v1.0\n",
		})
		// The app's run image gets a name of its own, so that this test can
		// update it as a platform updates a run image, without touching the
		// builder's.
		runImage := imageName(t)
		docker := func(stdin string, args ...string) {
			cmd := exec.Command("docker", args...)
			cmd.Env = append(os.Environ(), "DOCKER_BUILDKIT=0")
			cmd.Stdin = strings.NewReader(stdin)
			out, err := cmd.CombinedOutput()
			Expect(err).NotTo(HaveOccurred(), string(out))
		}
		docker("", "tag", os.Getenv("RUN_IMAGE"), runImage)

		logs := mustBuild(t, image, source, suite.buildpack, "--run-image", runImage)
		Expect(logs).To(MatchRegexp(`Building wheel for mysqlclient \(pyproject.toml\): finished with status 'done'`))
		Expect(logs).To(ContainSubstring("Cloning " + repo + " (to revision v1.0)"))

		checkAll := func() {
			port := serve(t, image, db.env()...)
			mysql := jsonOf(t, getPath(t, port, "/mysql"))
			Expect(mysql["note"]).To(Equal("written by mysqlclient"))
			Expect(mysql["server"]).To(ContainSubstring("MariaDB"))
			Expect(mysql["module"]).To(HavePrefix("/layers/python-cnb_pip/venv/lib/python3.11/site-packages/MySQLdb/_mysql.cpython-311-x86_64-linux-gnu.so"))

			odbc := jsonOf(t, getPath(t, port, "/odbc"))
			Expect(odbc["drivers"]).To(ContainElements("PostgreSQL Unicode", "MariaDB Unicode"))
			Expect(odbc["answer"]).To(BeEquivalentTo(42))

			vcs := jsonOf(t, getPath(t, port, "/vcs"))
			Expect(vcs["greeting"]).To(Equal("hello from git tag v1.0"))
			Expect(vcs["file"]).To(HavePrefix("/layers/python-cnb_pip/venv/"))
		}
		checkAll()

		// The run image is rebuilt with one more file; pack rebase moves the
		// app's layers onto it unchanged.
		marker := "/etc/python-cnb-rebase-marker"
		docker(fmt.Sprintf("FROM %s\nUSER root\nRUN echo updated > %s\nUSER 1000:1000\n", os.Getenv("RUN_IMAGE"), marker),
			"build", "--quiet", "--network", "none", "-t", runImage, "-")
		before := layerSHA(t, image, pipID, "venv")
		out, err := exec.Command("pack", "rebase", image, "--pull-policy", "never", "--no-color").CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(ContainSubstring("Rebased"))
		Expect(dockerRun(image, "cat", marker)).To(Equal("updated\n"))
		Expect(layerSHA(t, image, pipID, "venv")).To(Equal(before))
		checkAll()
	})

	it("fails an sdist that needs a header the image lacks, naming the package, the header and the fixes", func() {
		source := app(t, "plain", map[string]string{"runtime.txt": "python-3.11\n", "requirements.txt": "python-ldap==3.4.4\n"})
		logs, err := build(t, imageName(t), source, suite.buildpack)
		Expect(err).To(HaveOccurred())
		// in the closing summary, after pip's own output
		pipEnd := strings.LastIndex(logs, "[end of output]")
		title := strings.Index(logs, "python-ldap could not be built from source: the header lber.h is missing")
		Expect(pipEnd).To(BeNumerically(">=", 0), logs)
		Expect(title).To(BeNumerically(">", pipEnd), logs)
		summary := logs[title:]
		Expect(summary).To(ContainSubstring("fatal error: lber.h: No such file or directory"))
		Expect(summary).To(ContainSubstring("1. require a version of python-ldap that publishes a binary wheel"))
		Expect(summary).To(ContainSubstring("2. choose a CPython version for which python-ldap publishes binary wheels"))
		Expect(summary).To(ContainSubstring("3. build with a builder whose build image has lber.h (Debian: libldap-dev)"))
	})
}

// databases are the servers scripts/setup.sh runs on loopback, with the
// database and user the tests connect as (scripts/lib.sh).
type databases struct {
	postgresPort, mariadbPort, name, user, password string
}

func testDatabases(t *testing.T) databases {
	t.Helper()
	db := databases{
		postgresPort: os.Getenv("POSTGRES_PORT"),
		mariadbPort:  os.Getenv("MARIADB_PORT"),
		name:         os.Getenv("TEST_DB_NAME"),
		user:         os.Getenv("TEST_DB_USER"),
		password:     os.Getenv("TEST_DB_PASSWORD"),
	}
	if db.postgresPort == "" || db.mariadbPort == "" || db.name == "" || db.user == "" {
		t.Fatal("the test databases are not configured: run the integration tests through scripts/test.sh, or source scripts/lib.sh after scripts/setup.sh")
	}
	return db
}

// env is what the dbclients app reads, as docker run arguments.
func (db databases) env() []string {
	return []string{"-e", "DB_HOST=127.0.0.1", "-e", "DB_NAME=" + db.name, "-e", "DB_USER=" + db.user,
		"-e", "DB_PASSWORD=" + db.password, "-e", "MARIADB_PORT=" + db.mariadbPort, "-e", "POSTGRES_PORT=" + db.postgresPort}
}

// postgresEnv is libpq's environment for the Django app, in schema.
func (db databases) postgresEnv(schema string) []string {
	return []string{"-e", "PGHOST=127.0.0.1", "-e", "PGPORT=" + db.postgresPort, "-e", "PGDATABASE=" + db.name,
		"-e", "PGUSER=" + db.user, "-e", "PGPASSWORD=" + db.password, "-e", "PGOPTIONS=-c search_path=" + schema}
}

// postgresSchema creates an empty schema for one test, with the host's
// psql, and drops it when the test ends, so that each run migrates afresh.
func postgresSchema(t *testing.T, db databases) string {
	t.Helper()
	schema := fmt.Sprintf("test_%d", time.Now().UnixNano())
	psql := func(sql string) error {
		cmd := exec.Command("psql", "-h", "127.0.0.1", "-p", db.postgresPort, "-U", db.user, "-d", db.name, "-v", "ON_ERROR_STOP=1", "-qc", sql)
		cmd.Env = append(os.Environ(), "PGPASSWORD="+db.password)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("psql -c %q: %v\n%s", sql, err, out)
		}
		return nil
	}
	if err := psql("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { psql("DROP SCHEMA " + schema + " CASCADE") })
	return schema
}

// gitServer serves, over git's smart HTTP protocol on loopback (git
// http-backend), a repository holding the package greeting with the tag
// v1.0, and returns the repository's URL.
func gitServer(t *testing.T) string {
	t.Helper()
	gitPath, err := exec.LookPath("git")
	if err != nil {
		t.Fatal("git is not on PATH: scripts/setup.sh installs it")
	}
	work, root := t.TempDir(), t.TempDir()
	for name, content := range map[string]string{
		"pyproject.toml": "[build-system]\nrequires = [\"setuptools\"]\nbuild-backend = \"setuptools.build_meta\"\n\n" +
			"[project]\nname = \"greeting\"\nversion = \"1.0\"\n\n[tool.setuptools]\npy-modules = [\"greeting\"]\n",
		"greeting.py": "def greet():\n    return \"hello from git tag v1.0\"\n",
	} {
		if err := writeFile(filepath.Join(work, name), content); err != nil {
			t.Fatal(err)
		}
	}
	git := func(dir string, args ...string) {
		cmd := exec.Command(gitPath, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=test", "GIT_AUTHOR_EMAIL=test@example.invalid",
			"GIT_COMMITTER_NAME=test", "GIT_COMMITTER_EMAIL=test@example.invalid", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	git(work, "init", "-q", "-b", "main")
	git(work, "add", ".")
	git(work, "commit", "-q", "-m", "greeting 1.0")
	git(work, "tag", "v1.0")
	git(root, "clone", "-q", "--bare", work, filepath.Join(root, "greeting.git"))

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	server := &http.Server{Handler: &cgi.Handler{
		Path: gitPath,
		Args: []string{"http-backend"},
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"},
	}}
	go server.Serve(listener)
	t.Cleanup(func() { server.Close() })
	return "http://" + listener.Addr().String() + "/greeting.git"
}

// jsonOf decodes a JSON object.
func jsonOf(t *testing.T, body string) map[string]interface{} {
	t.Helper()
	var v map[string]interface{}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	return v
}
