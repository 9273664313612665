// Package kpack holds the kpack manifests for this buildpack (the *.yaml files
// beside this one) and the test that decodes them strictly into kpack's own API
// types and validates them as kpack's webhook does. It is a module of its own so
// that kpack's Kubernetes dependencies never reach the buildpack's binaries.
package kpack
