package kpack_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	. "github.com/onsi/gomega"
	buildv1alpha2 "github.com/pivotal/kpack/pkg/apis/build/v1alpha2"
	"github.com/sclevine/spec"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/apis"
	"sigs.k8s.io/yaml"
)

// prefix is where the manifests expect scripts/package.sh to have published
// (scripts/package.sh --prefix registry.example.com/python-cnb).
const prefix = "registry.example.com/python-cnb"

// object is what every kpack and core type decoded here is.
type object interface {
	GetObjectKind() schema.ObjectKind
}

// decode reads a manifest strictly (an unknown or duplicated field is an
// error) into obj and checks that its apiVersion and kind are want's.
func decode(path string, obj object, want schema.GroupVersionKind) error {
	content, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := yaml.UnmarshalStrict(content, obj); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if got := obj.GetObjectKind().GroupVersionKind(); got != want {
		return fmt.Errorf("%s: apiVersion/kind is %s, want %s", path, got, want)
	}
	return nil
}

// validate applies kpack's defaults and validation, as its admission webhook
// does before a resource is stored.
func validate(obj interface {
	apis.Defaultable
	apis.Validatable
}) error {
	ctx := context.Background()
	obj.SetDefaults(ctx)
	if err := obj.Validate(ctx); err != nil {
		return err
	}
	return nil
}

var assignment = regexp.MustCompile(`(?m)^([A-Z_]+)="([^"$]*)"$`)

// libValues reads the plain NAME="value" assignments of scripts/lib.sh.
func libValues(t *testing.T) map[string]string {
	t.Helper()
	content, err := os.ReadFile(filepath.Join("..", "..", "scripts", "lib.sh"))
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]string{}
	for _, m := range assignment.FindAllStringSubmatch(string(content), -1) {
		values[m[1]] = m[2]
	}
	return values
}

var settingName = regexp.MustCompile("`([A-Z][A-Z0-9_]*)`")

// settings lists the names in the first column of the README's configuration table.
func settings(t *testing.T) map[string]bool {
	t.Helper()
	content, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(content), "\n## Configuration\n")
	if !ok {
		t.Fatal("README.md has no Configuration section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	names := map[string]bool{}
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		first := strings.Split(line, "|")[1]
		for _, m := range settingName.FindAllStringSubmatch(first, -1) {
			names[m[1]] = true
		}
	}
	return names
}

func testManifests(t *testing.T, context spec.G, it spec.S) {
	var (
		Expect = NewWithT(t).Expect

		account corev1.ServiceAccount
		store   buildv1alpha2.ClusterStore
		stack   buildv1alpha2.ClusterStack
		builder buildv1alpha2.ClusterBuilder
		image   buildv1alpha2.Image
	)

	it.Before(func() {
		Expect(decode("serviceaccount.yaml", &account, corev1.SchemeGroupVersion.WithKind("ServiceAccount"))).To(Succeed())
		Expect(decode("store.yaml", &store, store.GetGroupVersionKind())).To(Succeed())
		Expect(decode("stack.yaml", &stack, stack.GetGroupVersionKind())).To(Succeed())
		Expect(decode("builder.yaml", &builder, builder.GetGroupVersionKind())).To(Succeed())
		Expect(decode("image.yaml", &image, image.GetGroupVersionKind())).To(Succeed())
	})

	it("holds one manifest per resource, each valid for kpack", func() {
		files, err := filepath.Glob("*.yaml")
		Expect(err).NotTo(HaveOccurred())
		Expect(files).To(ConsistOf("builder.yaml", "image.yaml", "serviceaccount.yaml", "stack.yaml", "store.yaml"))

		Expect(validate(&store)).To(Succeed())
		Expect(validate(&stack)).To(Succeed())
		Expect(validate(&builder)).To(Succeed())
		Expect(validate(&image)).To(Succeed())
	})

	it("points the store at the composite that scripts/package.sh publishes, and orders the builder by it", func() {
		var composite struct {
			Buildpack struct{ ID, Version string } `toml:"buildpack"`
			Order     []struct{ Group []struct{ ID string } }
		}
		_, err := toml.DecodeFile(filepath.Join("..", "..", "buildpack.toml"), &composite)
		Expect(err).NotTo(HaveOccurred())
		Expect(composite.Order).NotTo(BeEmpty())

		id := composite.Buildpack.ID
		Expect(store.Spec.Sources).To(HaveLen(1))
		Expect(store.Spec.Sources[0].Image).To(Equal(prefix + "/" + id[strings.Index(id, "/")+1:] + ":" + composite.Buildpack.Version))

		Expect(builder.Spec.Order).To(HaveLen(1))
		Expect(builder.Spec.Order[0].Group).To(HaveLen(1))
		Expect(builder.Spec.Order[0].Group[0].Id).To(Equal(id))
	})

	it("builds on the stack that scripts/setup.sh makes and scripts/package.sh pushes", func() {
		lib := libValues(t)
		Expect(lib).To(HaveKey("STACK_ID"))
		Expect(stack.Spec.Id).To(Equal(lib["STACK_ID"]))
		Expect(stack.Spec.BuildImage.Image).To(Equal(prefix + "/" + strings.SplitN(lib["BUILD_IMAGE"], "/", 2)[1]))
		Expect(stack.Spec.RunImage.Image).To(Equal(prefix + "/" + strings.SplitN(lib["RUN_IMAGE"], "/", 2)[1]))
	})

	it("wires the resources to each other by name, all with the one service account", func() {
		Expect(builder.Spec.Stack).To(Equal(corev1.ObjectReference{Kind: stack.Kind, Name: stack.Name}))
		Expect(builder.Spec.Store).To(Equal(corev1.ObjectReference{Kind: store.Kind, Name: store.Name}))
		Expect(image.Spec.Builder).To(Equal(corev1.ObjectReference{Kind: builder.Kind, Name: builder.Name}))

		ref := corev1.ObjectReference{Name: account.Name, Namespace: account.Namespace}
		Expect(builder.Spec.ServiceAccountRef).To(Equal(ref))
		Expect(*store.Spec.ServiceAccountRef).To(Equal(ref))
		Expect(*stack.Spec.ServiceAccountRef).To(Equal(ref))
		Expect(image.Namespace).To(Equal(account.Namespace))
		Expect(image.Spec.ServiceAccountName).To(Equal(account.Name))
	})

	it("keeps the image's cache in the registry and gives settings from the README's table as build env", func() {
		Expect(image.Spec.Cache).NotTo(BeNil())
		Expect(image.Spec.Cache.Volume).To(BeNil())
		Expect(image.Spec.Cache.Registry).NotTo(BeNil())
		Expect(image.Spec.Cache.Registry.Tag).To(HavePrefix("registry.example.com/"))

		known := settings(t)
		Expect(known).To(HaveKey("BP_CPYTHON_VERSION"))
		Expect(image.Spec.Build).NotTo(BeNil())
		Expect(image.Spec.Build.Env).NotTo(BeEmpty())
		for _, env := range image.Spec.Build.Env {
			Expect(known).To(HaveKey(env.Name), "build env %s is not in the README's configuration table", env.Name)
		}
	})

	context("failure cases", func() {
		var dir string

		it.Before(func() {
			dir = t.TempDir()
		})

		write := func(name, content string) string {
			path := filepath.Join(dir, name)
			Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
			return path
		}

		it("refuses a field kpack does not know, naming it", func() {
			path := write("builder.yaml", "apiVersion: kpack.io/v1alpha2\nkind: ClusterBuilder\nmetadata:\n  name: x\nspec:\n  tagg: registry.example.com/x\n")
			var b buildv1alpha2.ClusterBuilder
			err := decode(path, &b, b.GetGroupVersionKind())
			Expect(err).To(MatchError(ContainSubstring(`unknown field "tagg"`)))
		})

		it("refuses a manifest of another kind", func() {
			path := write("store.yaml", "apiVersion: kpack.io/v1alpha2\nkind: ClusterStack\nmetadata:\n  name: x\n")
			var s buildv1alpha2.ClusterStore
			err := decode(path, &s, s.GetGroupVersionKind())
			Expect(err).To(MatchError(ContainSubstring("Kind=ClusterStack, want kpack.io/v1alpha2, Kind=ClusterStore")))
		})

		it("reports what kpack's validation refuses", func() {
			b := builder.DeepCopy()
			b.Spec.ServiceAccountRef = corev1.ObjectReference{}
			Expect(validate(b)).To(MatchError(ContainSubstring("missing field(s): spec.serviceAccountRef.name")))

			i := image.DeepCopy()
			i.Spec.Tag = "not a tag"
			Expect(validate(i)).To(MatchError(ContainSubstring("spec.tag")))
		})

		it("reports a missing file", func() {
			var s buildv1alpha2.ClusterStore
			Expect(decode(filepath.Join(dir, "missing.yaml"), &s, s.GetGroupVersionKind())).To(MatchError(ContainSubstring("no such file")))
		})
	})
}
