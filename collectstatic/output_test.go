package collectstatic_test

import (
	"fmt"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/python-cnb/buildpack/collectstatic"
	"github.com/sclevine/spec"
)

func testOutput(t *testing.T, context spec.G, it spec.S) {
	var Expect = NewWithT(t).Expect

	context("DjangoError", func() {
		it("keeps the last traceback and drops what came before it", func() {
			output := "Copying '/workspace/static/site.css'\n" +
				"Traceback (most recent call last):\n  File \"a.py\", line 1\nKeyError: 'a'\n\n" +
				"During handling of the above exception, another exception occurred:\n\n" +
				"Traceback (most recent call last):\n  File \"manage.py\", line 22, in <module>\n" +
				"django.core.exceptions.ImproperlyConfigured: You're using the staticfiles app without having set the required STATIC_ROOT setting to a filesystem path.\n"
			Expect(collectstatic.DjangoError(output)).To(Equal("Traceback (most recent call last):\n" +
				"  File \"manage.py\", line 22, in <module>\n" +
				"django.core.exceptions.ImproperlyConfigured: You're using the staticfiles app without having set the required STATIC_ROOT setting to a filesystem path."))
		})

		it("keeps the last lines of a long traceback, ending with the exception", func() {
			var b strings.Builder
			b.WriteString("Traceback (most recent call last):\n")
			for i := 0; i < 40; i++ {
				fmt.Fprintf(&b, "  frame %d\n", i)
			}
			b.WriteString("ValueError: The file 'img/missing.png' could not be found\n")
			got := strings.Split(collectstatic.DjangoError(b.String()), "\n")
			Expect(got).To(HaveLen(20))
			Expect(got[0]).To(Equal("  frame 21"))
			Expect(got[19]).To(Equal("ValueError: The file 'img/missing.png' could not be found"))
		})

		it("keeps the last lines of an error printed without a traceback", func() {
			output := "\n" + strings.Repeat("noise\n", 30) + "SystemCheckError: System check identified some issues:\n\nERRORS:\n?: (staticfiles.E001) The STATICFILES_DIRS setting is not a tuple or list.\n\n"
			got := collectstatic.DjangoError(output)
			Expect(strings.Split(got, "\n")).To(HaveLen(20))
			Expect(got).To(HavePrefix("noise\n"))
			Expect(got).To(HaveSuffix("ERRORS:\n?: (staticfiles.E001) The STATICFILES_DIRS setting is not a tuple or list."))
		})

		it("leaves out the ^ and ~ marks under all frames but the last, keeping a SyntaxError's caret", func() {
			output := "Traceback (most recent call last):\n" +
				"  File \"/workspace/manage.py\", line 11, in main\n" +
				"    self._wrapped = Settings(settings_module)\n" +
				"                    ^^^^^^^^^^^^^^^^^^^^^^^^^\n" +
				"  File \"/venv/django/core/management/base.py\", line 464, in execute\n" +
				"    output = self.handle(*args, **options)\n" +
				"             ~~~~~~~~~~~^^^^^^^^^^^^^^^^^^\n" +
				"  File \"/workspace/mysite/settings.py\", line 34\n" +
				"    INSTALLED_APPS +=\n" +
				"                     ^\n" +
				"SyntaxError: invalid syntax\n"
			Expect(collectstatic.DjangoError(output)).To(Equal("Traceback (most recent call last):\n" +
				"  File \"/workspace/manage.py\", line 11, in main\n" +
				"    self._wrapped = Settings(settings_module)\n" +
				"  File \"/venv/django/core/management/base.py\", line 464, in execute\n" +
				"    output = self.handle(*args, **options)\n" +
				"  File \"/workspace/mysite/settings.py\", line 34\n" +
				"    INSTALLED_APPS +=\n" +
				"                     ^\n" +
				"SyntaxError: invalid syntax"))
		})

		it("gives nothing for no output", func() {
			Expect(collectstatic.DjangoError("")).To(Equal(""))
		})
	})
}
