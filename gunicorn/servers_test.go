package gunicorn_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/gunicorn"
	"github.com/sclevine/spec"
)

func testServers(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect
		appDir string
	)

	it.Before(func() {
		appDir = t.TempDir()
	})

	write := func(rel, content string, mode os.FileMode) {
		path := filepath.Join(appDir, rel)
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		Expect(os.WriteFile(path, []byte(content), mode)).To(Succeed())
	}
	read := func(command string) gunicorn.CommandUse {
		return gunicorn.ReadCommand(appDir, command)
	}

	it("pins every server", func() {
		for _, server := range gunicorn.Servers {
			Expect(server.Version).To(MatchRegexp(`^\d+\.\d+\.\d+$`), server.Distribution)
			Expect(server.Requirement()).To(Equal(server.Distribution + "==" + server.Version))
		}
		_, ok := gunicorn.ServerNamed("waitress")
		Expect(ok).To(BeFalse())
	})

	it("pins an older uvicorn-worker when the app's uvicorn or gunicorn is older than the newest needs", func() {
		worker, ok := gunicorn.ServerNamed("uvicorn-worker")
		Expect(ok).To(BeTrue())
		for packages, want := range map[string]string{
			"":                                  "uvicorn-worker==0.4.0",
			"uvicorn==0.36.0 gunicorn==23.0.0":  "uvicorn-worker==0.4.0",
			"uvicorn==0.40.1":                   "uvicorn-worker==0.4.0",
			"uvicorn==0.24.0.post1":             "uvicorn-worker==0.3.0",
			"uvicorn==0.35.9 gunicorn==23.0.0":  "uvicorn-worker==0.3.0",
			"uvicorn==0.38.0 gunicorn==20.1.0":  "uvicorn-worker==0.3.0",
			"uvicorn-worker==0.1.0 six==0.24.0": "uvicorn-worker==0.4.0",
		} {
			Expect(worker.RequirementWith(packages)).To(Equal(want), packages)
		}
		gunicornServer, _ := gunicorn.ServerNamed("gunicorn")
		Expect(gunicornServer.RequirementWith("uvicorn==0.1.0")).To(Equal(gunicornServer.Requirement()))
	})

	context("the servers a command runs", func() {
		for command, want := range map[string][]string{
			"gunicorn app:app": {"gunicorn"},
			"uvicorn main:app --host 0.0.0.0 --port $PORT":                     {"uvicorn"},
			"hypercorn main:app --bind 0.0.0.0:$PORT":                          {"hypercorn"},
			"daphne -b 0.0.0.0 -p $PORT mysite.asgi:application":               {"daphne"},
			"python -m gunicorn app:app":                                       {"gunicorn"},
			"python3 -u -X dev -m uvicorn main:app":                            {"uvicorn"},
			"python3.12 -muvicorn main:app":                                    {"uvicorn"},
			"exec gunicorn app:app":                                            {"gunicorn"},
			"FOO=1 BAR='a b' nohup env uvicorn main:app":                       {"uvicorn"},
			"antenv/bin/gunicorn app:app":                                      {"gunicorn"},
			"/usr/local/bin/python -m hypercorn main:app":                      {"hypercorn"},
			"python manage.py migrate && gunicorn mysite.wsgi":                 {"gunicorn"},
			"gunicorn -k uvicorn_worker.UvicornWorker main:app":                {"gunicorn", "uvicorn-worker", "uvicorn"},
			"gunicorn --worker-class=uvicorn_worker.UvicornH11Worker main:app": {"gunicorn", "uvicorn-worker", "uvicorn"},
			"gunicorn -kuvicorn.workers.UvicornWorker main:app":                {"gunicorn", "uvicorn"},
			"gunicorn --worker-class uvicorn.workers.UvicornWorker main:app":   {"gunicorn", "uvicorn"},
			"bash -c 'uvicorn main:app'":                                       {"uvicorn"},
			"uvicorn a:app; hypercorn b:app | cat":                             {"uvicorn", "hypercorn"},
			"python app.py":                                                    nil,
			"node server.js":                                                   nil,
			"echo gunicorn app:app":                                            nil,
			"python -c 'import gunicorn'":                                      nil,
			"python -m flask run":                                              nil,
			"gunicorn-like app:app":                                            nil,
			"# gunicorn app:app":                                               nil,
			"python -m uvicorn_worker":                                         nil,
			"'gunicorn' app:app":                                               {"gunicorn"},
			"gun\\icorn app:app":                                               {"gunicorn"},
			"\"python\" -m \"uvicorn\" main:a":                                 {"uvicorn"},
		} {
			it("finds "+command, func() {
				Expect(read(command).Servers).To(Equal(want))
			})
		}

		it("marks the commands that run gunicorn", func() {
			Expect(read("gunicorn app:app").Gunicorn).To(BeTrue())
			Expect(read("uvicorn main:app").Gunicorn).To(BeFalse())
		})

		it("reads the worker class from gunicorn.conf.py, or the config file the command names", func() {
			write("gunicorn.conf.py", "worker_class = 'uvicorn_worker.UvicornWorker'\n", 0o644)
			Expect(read("gunicorn main:app").Servers).To(Equal([]string{"gunicorn", "uvicorn-worker", "uvicorn"}))
			write("conf/prod.py", "worker_class = 'uvicorn.workers.UvicornWorker'\n", 0o644)
			Expect(read("gunicorn -c conf/prod.py main:app").Servers).To(Equal([]string{"gunicorn", "uvicorn"}))
			Expect(read("gunicorn --config=python:conf/prod.py main:app").Servers).To(Equal([]string{"gunicorn", "uvicorn"}))
		})

		it("reads the app's scripts the command runs, but not the scripts they run", func() {
			write("startup.sh", "#!/bin/bash\nset -e\npython manage.py migrate\nexec gunicorn -k uvicorn_worker.UvicornWorker asgi:app\n", 0o755)
			write("nested.sh", "bash startup.sh\n", 0o755)
			for _, command := range []string{"./startup.sh", "startup.sh", "bash startup.sh", "sh ./startup.sh"} {
				Expect(read(command).Servers).To(Equal([]string{"gunicorn", "uvicorn-worker", "uvicorn"}), command)
			}
			Expect(read("./nested.sh").Servers).To(BeEmpty())
			Expect(read("bash ../outside.sh").Servers).To(BeEmpty())
			Expect(read("./missing.sh").Servers).To(BeEmpty())
		})
	})

	context("the modules a command imports first", func() {
		it.Before(func() {
			write("main.py", "", 0o644)
			write("pkg/api.py", "", 0o644)
			write("factory/__init__.py", "", 0o644)
			write("src/web.py", "", 0o644)
			write("serve.py", "", 0o644)
		})

		for command, want := range map[string][]string{
			"uvicorn main:app":                              {"main.py"},
			"gunicorn -b 0.0.0.0:8000 pkg.api:app":          {"pkg/api.py"},
			"gunicorn 'factory:create_app()'":               {"factory/__init__.py"},
			"gunicorn --chdir src web:app":                  {"src/web.py"},
			"uvicorn --app-dir=src web:app":                 {"src/web.py"},
			"cd src && gunicorn web:app":                    {"src/web.py"},
			"python serve.py":                               {"serve.py"},
			"python -u serve.py --port $PORT":               {"serve.py"},
			"gunicorn -b localhost:8000 missing:app":        nil,
			"gunicorn mysite.wsgi":                          nil,
			"python ../elsewhere.py":                        nil,
			"gunicorn main:app & python serve.py":           {"main.py", "serve.py"},
			"hypercorn --bind unix:/tmp/x.sock pkg.api:app": {"pkg/api.py"},
			"gunicorn --chdir /elsewhere web:app":           nil,
		} {
			it("finds "+command, func() {
				var files []string
				for _, file := range want {
					files = append(files, filepath.FromSlash(file))
				}
				Expect(read(command).Modules).To(Equal(files))
			})
		}
	})
}
