{{/*
The platform's own helpers: how the values become the dicts the library templates render.
Generic object shapes (labels, Deployment, HPA, …) live in the smartcommune-lib library chart.
*/}}

{{/* Image reference of a platform image: (dict "root" $ "repository" "dossiers"). */}}
{{- define "smartcommune.image" -}}
{{- $g := .root.Values.global -}}
{{- printf "%s/%s:%s" ($g.imageRegistry | trimSuffix "/") .repository ($g.imageTag | default .root.Chart.AppVersion) -}}
{{- end -}}

{{/* `SMARTCOMMUNE_DOSSIERS_` for "dossiers". */}}
{{- define "smartcommune.envPrefix" -}}
{{- printf "SMARTCOMMUNE_%s_" (. | upper | replace "-" "_") -}}
{{- end -}}

{{/* Where the admin-unit registry files are inside a pod. */}}
{{- define "smartcommune.unitsDir" -}}
{{- if .Values.adminUnits.existingConfigMap -}}/etc/smartcommune/admin-units{{- else -}}/app/data/admin-units{{- end -}}
{{- end -}}

{{/*
Non-secret settings of one service, as a YAML map for its ConfigMap (and inline for hook Jobs,
which run before the ConfigMap exists): (dict "root" $ "name" "dossiers" "svc" $svc).
Both the service-specific and the platform-wide names are set where the services read either.
*/}}
{{- define "smartcommune.settings" -}}
{{- $v := .root.Values -}}
{{- $p := include "smartcommune.envPrefix" .name -}}
{{ $p }}KAFKA_BOOTSTRAP: {{ $v.kafka.bootstrap | quote }}
{{ $p }}KEYCLOAK_URL: {{ $v.keycloak.url | quote }}
{{ $p }}KEYCLOAK_REALM: {{ $v.keycloak.realm | quote }}
{{- with $v.keycloak.publicIssuer }}
{{ $p }}OIDC_ISSUER: {{ . | quote }}
{{ $p }}JWKS_URL: {{ printf "%s/realms/%s/protocol/openid-connect/certs" ($v.keycloak.url | trimSuffix "/") $v.keycloak.realm | quote }}
{{- end }}
{{ $p }}LOG_LEVEL: {{ $v.logLevel | quote }}
{{ $p }}UNITS_FILE: {{ printf "%s/%s" (include "smartcommune.unitsDir" .root) $v.adminUnits.file | quote }}
{{- with .svc.httpPort }}
{{ $p }}HOST: "0.0.0.0"
{{ $p }}PORT: {{ . | quote }}
{{- end }}
{{- with .svc.grpcPort }}
{{ $p }}GRPC_HOST: "0.0.0.0"
{{ $p }}GRPC_PORT: {{ . | quote }}
{{- end }}
{{- range $callee := (.svc.calls | default list) }}
{{- $target := get $v.services $callee.service }}
{{- $port := ternary $target.grpcPort $target.httpPort (eq $callee.port "grpc") }}
{{ $p }}{{ $callee.service | upper }}_{{ $callee.port | upper }}: {{ printf "%s-%s:%v" $.root.Release.Name $callee.service $port | quote }}
{{- end }}
SMARTCOMMUNE_KAFKA_BOOTSTRAP: {{ $v.kafka.bootstrap | quote }}
SMARTCOMMUNE_KEYCLOAK_URL: {{ $v.keycloak.url | quote }}
SMARTCOMMUNE_KEYCLOAK_REALM: {{ $v.keycloak.realm | quote }}
SMARTCOMMUNE_LOG_LEVEL: {{ $v.logLevel | quote }}
{{- if $v.otel.endpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ $v.otel.endpoint | quote }}
OTEL_SERVICE_NAME: {{ .name | quote }}
{{- else }}
OTEL_TRACES_EXPORTER: "none"
OTEL_METRICS_EXPORTER: "none"
{{- end }}
PYTHONUNBUFFERED: "1"
PYTHONDONTWRITEBYTECODE: "1"
{{- range $key, $value := (.svc.settings | default dict) }}
{{ $p }}{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* The same settings as a list of EnvVar (for hook Jobs). */}}
{{- define "smartcommune.settingsEnv" -}}
{{- range $key, $value := (include "smartcommune.settings" . | fromYaml) }}
- name: {{ $key }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/*
Secret-backed variables of one service (secretKeyRef only — never a value): its database URL,
its Keycloak client secret, and `secretEnv`: (dict "root" $ "name" "dossiers" "svc" $svc).
*/}}
{{- define "smartcommune.databaseEnv" -}}
{{- with .svc.database }}
- name: {{ include "smartcommune.envPrefix" $.name }}DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .key }}
{{- end }}
{{- end -}}

{{- define "smartcommune.secretEnv" -}}
{{ include "smartcommune.databaseEnv" . }}
{{- with .svc.clientSecret }}
{{- if .existingSecret }}
- name: SMARTCOMMUNE_CLIENT_SECRET_{{ $.name | upper }}
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .key }}
{{- end }}
{{- end }}
{{- range (.svc.secretEnv | default list) }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .key }}
{{- end }}
{{- end -}}

{{/* Volumes of every platform pod: a writable /tmp and, when configured, the unit registry. */}}
{{- define "smartcommune.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .root.Values.tmpSizeLimit }}
{{- if .root.Values.adminUnits.existingConfigMap }}
- name: admin-units
  configMap:
    name: {{ .root.Values.adminUnits.existingConfigMap }}
{{- end }}
{{- if .waitForSchema }}
- name: wait-for-schema
  configMap:
    name: {{ include "sclib.fullname" (dict "root" .root "name" "wait-for-schema") }}
{{- end }}
{{- end -}}

{{- define "smartcommune.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .root.Values.adminUnits.existingConfigMap }}
- name: admin-units
  mountPath: /etc/smartcommune/admin-units
  readOnly: true
{{- end }}
{{- end -}}

{{/*
The init container that holds a pod until the service's schema is at the head its image knows
(the migration hook Job normally got it there already; this covers `--no-hooks`, GitOps tools
that skip hooks, and pods rescheduled while an upgrade's migration still runs).
(dict "root" $ "name" "dossiers" "svc" $svc "image" $image)
*/}}
{{- define "smartcommune.waitForSchema" -}}
- name: wait-for-schema
  image: {{ .image | quote }}
  imagePullPolicy: {{ .root.Values.global.imagePullPolicy }}
  command: [python, /opt/smartcommune/wait/wait_for_schema.py]
  args:
    - --url-env={{ include "smartcommune.envPrefix" .name }}DATABASE_URL
    - --timeout={{ .root.Values.migrations.waitTimeoutSeconds }}
    {{- range .svc.migrations.histories }}
    - --history={{ .module }}:{{ .table }}
    {{- end }}
  env:
    {{- include "smartcommune.databaseEnv" . | nindent 4 }}
  resources:
    requests: {cpu: 10m, memory: 64Mi}
    limits: {cpu: 200m, memory: 192Mi}
  securityContext:
    {{- toYaml .root.Values.containerSecurityContext | nindent 4 }}
  volumeMounts:
    - name: tmp
      mountPath: /tmp
    - name: wait-for-schema
      mountPath: /opt/smartcommune/wait
      readOnly: true
{{- end -}}

{{/*
Probes of an API container: startup and readiness over HTTP (`/healthz`, `/readyz` from
smartcommune.kit.health), liveness over HTTP or — when the service serves gRPC — the native gRPC
health check of that port, so both servers of the process are watched.
*/}}
{{- define "smartcommune.probes" -}}
{{- $p := .root.Values.probes -}}
{{- if $p.startup.enabled }}
startup:
  httpGet: {path: /healthz, port: http}
  periodSeconds: {{ $p.startup.periodSeconds }}
  failureThreshold: {{ $p.startup.failureThreshold }}
{{- end }}
{{- if $p.liveness.enabled }}
liveness:
  {{- if .svc.grpcPort }}
  grpc: {port: {{ .svc.grpcPort }}}
  {{- else }}
  httpGet: {path: /healthz, port: http}
  {{- end }}
  periodSeconds: {{ $p.liveness.periodSeconds }}
  timeoutSeconds: {{ $p.liveness.timeoutSeconds }}
  failureThreshold: {{ $p.liveness.failureThreshold }}
{{- end }}
{{- if $p.readiness.enabled }}
readiness:
  httpGet: {path: /readyz, port: http}
  periodSeconds: {{ $p.readiness.periodSeconds }}
  timeoutSeconds: {{ $p.readiness.timeoutSeconds }}
  failureThreshold: {{ $p.readiness.failureThreshold }}
{{- end }}
{{- end -}}

{{/* DNS egress (UDP and TCP). */}}
{{- define "smartcommune.dnsRule" -}}
- to:
    - namespaceSelector:
        {{- toYaml .Values.dns.namespaceSelector | nindent 8 }}
      podSelector:
        {{- toYaml .Values.dns.podSelector | nindent 8 }}
  ports:
  {{- range .Values.dns.ports }}
    - {port: {{ . }}, protocol: UDP}
    - {port: {{ . }}, protocol: TCP}
  {{- end }}
{{- end -}}

{{/*
Egress of one workload: DNS, Kafka, its database, the OTLP collector, and — for the API and the
consumers — Keycloak (keys, service tokens) and the services it calls.
(dict "root" $ "name" "scoring" "svc" $svc "component" "api")
*/}}
{{- define "smartcommune.egress" -}}
{{- $v := .root.Values -}}
{{ include "smartcommune.dnsRule" .root }}
{{ include "sclib.peerRule" (dict "direction" "to" "peer" $v.kafka.networkPeer) }}
{{- if .svc.database }}
{{ include "sclib.peerRule" (dict "direction" "to" "peer" $v.database.networkPeer) }}
{{- end }}
{{- if $v.otel.endpoint }}
{{ include "sclib.peerRule" (dict "direction" "to" "peer" $v.otel.networkPeer) }}
{{- end }}
{{- if ne .component "relay" }}
{{ include "sclib.peerRule" (dict "direction" "to" "peer" $v.keycloak.networkPeer) }}
{{- range $callee := (.svc.calls | default list) }}
{{- $target := get $v.services $callee.service }}
- to:
    - podSelector:
        matchLabels:
          {{- include "sclib.selectorLabels" (dict "root" $.root "name" $callee.service) | nindent 10 }}
  ports:
    - port: {{ ternary $target.grpcPort $target.httpPort (eq $callee.port "grpc") }}
      protocol: TCP
{{- end }}
{{- end }}
{{- end -}}

{{/*
Ingress of an API workload: REST from the ingress controller when the service is public, and
each caller (api and consumer pods of every service whose `calls` names this one) on its port.
*/}}
{{- define "smartcommune.ingressRules" -}}
{{- $v := .root.Values -}}
{{- if .svc.public }}
- from:
    - namespaceSelector:
        {{- toYaml $v.networkPolicy.ingressControllerNamespaceSelector | nindent 8 }}
  ports:
    - {port: {{ .svc.httpPort }}, protocol: TCP}
{{- end }}
{{- range $caller, $csvc := $v.services }}
{{- if $csvc.enabled }}
{{- range $call := ($csvc.calls | default list) }}
{{- if eq $call.service $.name }}
- from:
    - podSelector:
        matchLabels:
          {{- include "sclib.selectorLabels" (dict "root" $.root "name" $caller) | nindent 10 }}
    {{- if $csvc.consumer.enabled }}
    - podSelector:
        matchLabels:
          {{- include "sclib.selectorLabels" (dict "root" $.root "name" (printf "%s-consumer" $caller)) | nindent 10 }}
    {{- end }}
  ports:
    - port: {{ ternary $.svc.grpcPort $.svc.httpPort (eq $call.port "grpc") }}
      protocol: TCP
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Fail early, with a clear message, on values the schema cannot express. */}}
{{- define "smartcommune.validateValues" -}}
{{- $v := .Values -}}
{{- range $name, $svc := $v.services }}
{{- if $svc.enabled }}
{{- range $call := ($svc.calls | default list) }}
{{- $target := get $v.services $call.service }}
{{- if not $target }}
{{- fail (printf "services.%s.calls: unknown service %q" $name $call.service) }}
{{- end }}
{{- if not $target.enabled }}
{{- fail (printf "services.%s.calls %q, which is not enabled" $name $call.service) }}
{{- end }}
{{- if and (eq $call.port "grpc") (not $target.grpcPort) }}
{{- fail (printf "services.%s.calls %s on gRPC, but services.%s.grpcPort is 0" $name $call.service $call.service) }}
{{- end }}
{{- end }}
{{- if and $svc.consumer.enabled (not $svc.consumer.command) }}
{{- fail (printf "services.%s.consumer.enabled needs services.%s.consumer.command" $name $name) }}
{{- end }}
{{- if and $svc.api.autoscaling.enabled (gt (int $svc.api.autoscaling.minReplicas) (int $svc.api.autoscaling.maxReplicas)) }}
{{- fail (printf "services.%s.api.autoscaling: minReplicas > maxReplicas" $name) }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}
