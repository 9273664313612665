// Package layermeta stores a layer's reuse key as a typed struct and says,
// field by field, why a cached layer no longer matches.
package layermeta

import (
	"bytes"
	"fmt"
	"reflect"

	"github.com/BurntSushi/toml"
)

// Encode turns a metadata struct into the map packit writes to <layer>.toml.
func Encode(v any) (map[string]interface{}, error) {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(v); err != nil {
		return nil, fmt.Errorf("encoding layer metadata: %w", err)
	}
	m := map[string]interface{}{}
	if _, err := toml.Decode(buf.String(), &m); err != nil {
		return nil, fmt.Errorf("decoding layer metadata: %w", err)
	}
	return m, nil
}

// Decode fills the struct v from the map packit read from <layer>.toml.
func Decode(m map[string]interface{}, v any) error {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(m); err != nil {
		return fmt.Errorf("encoding cached layer metadata: %w", err)
	}
	if _, err := toml.Decode(buf.String(), v); err != nil {
		return fmt.Errorf("decoding cached layer metadata: %w", err)
	}
	return nil
}

// Changes compares the metadata cached with a layer to the metadata wanted
// now and returns one reason per differing field, such as
// `version changed from "3.11.4" to "3.12.1"`. Both must be the same struct
// type; fields are named by their toml tag. An empty result means reuse.
func Changes(cached map[string]interface{}, wanted any) ([]string, error) {
	if len(cached) == 0 {
		return []string{"no cached layer"}, nil
	}
	want := reflect.ValueOf(wanted)
	old := reflect.New(want.Type())
	if err := Decode(cached, old.Interface()); err != nil {
		return nil, err
	}
	var reasons []string
	for i := 0; i < want.NumField(); i++ {
		field := want.Type().Field(i)
		name := field.Tag.Get("toml")
		if name == "" || name == "-" {
			name = field.Name
		}
		before, after := old.Elem().Field(i).Interface(), want.Field(i).Interface()
		if !reflect.DeepEqual(before, after) {
			reasons = append(reasons, fmt.Sprintf("%s changed from %s to %s", name, show(before), show(after)))
		}
	}
	return reasons, nil
}

func show(v any) string {
	if s, ok := v.(string); ok {
		if s == "" {
			return "(none)"
		}
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%v", v)
}
