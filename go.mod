module github.com/python-cnb/buildpack

go 1.25.0

require (
	github.com/BurntSushi/toml v1.6.0
	github.com/onsi/gomega v1.44.0
	github.com/paketo-buildpacks/packit/v2 v2.23.0
	github.com/sclevine/spec v1.4.0
	go.yaml.in/yaml/v3 v3.0.5
)

require (
	github.com/CycloneDX/cyclonedx-go v0.9.2 // indirect
	github.com/Masterminds/semver/v3 v3.4.0 // indirect
	github.com/anchore/go-struct-converter v0.0.0-20221118182256-c68fdcfa2092 // indirect
	github.com/gabriel-vasile/mimetype v1.4.9 // indirect
	github.com/github/go-spdx/v2 v2.8.0 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/pelletier/go-toml v1.9.5 // indirect
	github.com/spdx/tools-golang v0.5.5 // indirect
	github.com/ulikunitz/xz v0.5.12 // indirect
	golang.org/x/net v0.56.0 // indirect
	golang.org/x/text v0.38.0 // indirect
)
