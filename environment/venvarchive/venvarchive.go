// Package venvarchive writes a virtual environment into one compressed file
// and unpacks it again, for Oryx's compress_virtualenv option.
package venvarchive

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Formats are the accepted values of the compression setting and the file
// extensions they produce.
var Formats = map[string]string{"tar-gz": ".tar.gz", "zip": ".zip"}

// Write archives the directory dir into dest in format ("tar-gz" or "zip"),
// keeping modes and symlinks. It writes to a temporary file first.
func Write(dir, dest, format string) error {
	tmp, err := os.CreateTemp(filepath.Dir(dest), ".venvarchive-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	switch format {
	case "tar-gz":
		err = writeTarGz(dir, tmp)
	case "zip":
		err = writeZip(dir, tmp)
	default:
		err = fmt.Errorf("unknown archive format %q", format)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("archiving %s: %w", dir, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dest)
}

func walk(dir string, f func(rel string, info fs.FileInfo, path string) error) error {
	return filepath.Walk(dir, func(path string, info fs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil || rel == "." {
			return err
		}
		return f(filepath.ToSlash(rel), info, path)
	})
}

func writeTarGz(dir string, out io.Writer) error {
	gz := gzip.NewWriter(out)
	tw := tar.NewWriter(gz)
	err := walk(dir, func(rel string, info fs.FileInfo, path string) error {
		link := ""
		if info.Mode()&fs.ModeSymlink != 0 {
			var err error
			if link, err = os.Readlink(path); err != nil {
				return err
			}
		}
		header, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		header.Name = rel
		header.Uname, header.Gname = "", ""
		if err := tw.WriteHeader(header); err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			return copyFile(tw, path)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(dir string, out io.Writer) error {
	zw := zip.NewWriter(out)
	err := walk(dir, func(rel string, info fs.FileInfo, path string) error {
		header, err := zip.FileInfoHeader(info)
		if err != nil {
			return err
		}
		header.Name = rel
		if info.IsDir() {
			header.Name += "/"
		} else {
			header.Method = zip.Deflate
		}
		w, err := zw.CreateHeader(header)
		if err != nil {
			return err
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			_, err = io.WriteString(w, link)
			return err
		case info.Mode().IsRegular():
			return copyFile(w, path)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return zw.Close()
}

func copyFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// Extract unpacks archive (by its extension) into dest, which it creates.
// Entries that would land outside dest are refused.
func Extract(archive, dest string) error {
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return err
	}
	var err error
	switch {
	case strings.HasSuffix(archive, ".tar.gz"):
		err = extractTarGz(archive, dest)
	case strings.HasSuffix(archive, ".zip"):
		err = extractZip(archive, dest)
	default:
		err = fmt.Errorf("unknown archive type")
	}
	if err != nil {
		return fmt.Errorf("unpacking %s into %s: %w", archive, dest, err)
	}
	return nil
}

func target(dest, name string) (string, error) {
	path := filepath.Join(dest, name)
	if path != dest && !strings.HasPrefix(path, dest+string(filepath.Separator)) {
		return "", fmt.Errorf("entry %q points outside the destination", name)
	}
	return path, nil
}

func extractTarGz(archive, dest string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		header, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		path, err := target(dest, header.Name)
		if err != nil {
			return err
		}
		if err := place(path, header.FileInfo().Mode(), header.Linkname, tr); err != nil {
			return err
		}
	}
}

func extractZip(archive, dest string) error {
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, file := range zr.File {
		path, err := target(dest, strings.TrimSuffix(file.Name, "/"))
		if err != nil {
			return err
		}
		rc, err := file.Open()
		if err != nil {
			return err
		}
		link := ""
		if file.Mode()&fs.ModeSymlink != 0 {
			b, err := io.ReadAll(rc)
			if err != nil {
				rc.Close()
				return err
			}
			link = string(b)
		}
		err = place(path, file.Mode(), link, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func place(path string, mode fs.FileMode, link string, content io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	switch {
	case mode.IsDir():
		return os.MkdirAll(path, mode.Perm()|0o700)
	case mode&fs.ModeSymlink != 0:
		return os.Symlink(link, path)
	case mode.IsRegular():
		out, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode.Perm())
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, content); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	}
	return nil
}
