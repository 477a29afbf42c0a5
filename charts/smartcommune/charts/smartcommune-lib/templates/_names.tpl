{{/*
Names and labels shared by every object of the platform.

Every template of this library takes a dict with at least:
  root       the top-level context ($) of the calling chart
  name       the application name: `dossiers`, `dossiers-relay`, `audit`, … (the
             `app.kubernetes.io/name` label; one name per workload, so selectors never overlap)
  component  `api`, `relay`, `consumer`, `job` (the `app.kubernetes.io/component` label)
*/}}

{{/* "<release>-<name>", at most 63 characters (a DNS label). */}}
{{- define "sclib.fullname" -}}
{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* "name-version" of the calling chart, for the helm.sh/chart label. */}}
{{- define "sclib.chart" -}}
{{- printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The only labels a selector may use: name and instance (they never change on upgrade). */}}
{{- define "sclib.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* The standard app.kubernetes.io/* labels, put on every object. */}}
{{- define "sclib.labels" -}}
{{ include "sclib.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: smartcommune
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ include "sclib.chart" . }}
{{- end -}}

{{/* metadata: name, namespace, labels (and annotations when given). */}}
{{- define "sclib.metadata" -}}
metadata:
  name: {{ include "sclib.fullname" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "sclib.labels" . | nindent 4 }}
  {{- with .annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
