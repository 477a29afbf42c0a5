{{/*
Pod templates, Deployments, Jobs and CronJobs.

Besides root/name/component, the dict carries:
  serviceAccountName, image, imagePullPolicy, imagePullSecrets, command, args,
  ports            [{name, port}] container ports
  configMap        name of the ConfigMap loaded with envFrom ("" for none)
  env              [EnvVar] (secretKeyRef entries for secrets: never values)
  probes           {startup, liveness, readiness}: rendered probe objects, each optional
  resources, podSecurityContext, containerSecurityContext
  initContainers   [Container] (already complete)
  volumes, volumeMounts
  podAnnotations   (e.g. the config checksum that rolls pods on a settings change)
  spread           spread the replicas over nodes (topologySpreadConstraints, best effort)
  terminationGracePeriodSeconds
*/}}

{{- define "sclib.podSpec" -}}
serviceAccountName: {{ .serviceAccountName }}
automountServiceAccountToken: false
{{- with .imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
securityContext:
  {{- toYaml .podSecurityContext | nindent 2 }}
{{- with .restartPolicy }}
restartPolicy: {{ . }}
{{- end }}
{{- with .terminationGracePeriodSeconds }}
terminationGracePeriodSeconds: {{ . }}
{{- end }}
{{- if .spread }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "sclib.selectorLabels" . | nindent 8 }}
{{- end }}
{{- with .initContainers }}
initContainers:
  {{- toYaml . | nindent 2 }}
{{- end }}
containers:
  - name: {{ .containerName | default .component }}
    image: {{ .image | quote }}
    imagePullPolicy: {{ .imagePullPolicy }}
    {{- with .command }}
    command:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with .args }}
    args:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with .ports }}
    ports:
      {{- range . }}
      - name: {{ .name }}
        containerPort: {{ .port }}
        protocol: TCP
      {{- end }}
    {{- end }}
    {{- with .configMap }}
    envFrom:
      - configMapRef:
          name: {{ . }}
    {{- end }}
    {{- with .env }}
    env:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with .probes }}
    {{- with .startup }}
    startupProbe:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with .liveness }}
    livenessProbe:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with .readiness }}
    readinessProbe:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- end }}
    resources:
      {{- toYaml .resources | nindent 6 }}
    securityContext:
      {{- toYaml .containerSecurityContext | nindent 6 }}
    {{- with .volumeMounts }}
    volumeMounts:
      {{- toYaml . | nindent 6 }}
    {{- end }}
{{- with .volumes }}
volumes:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The pod template (labels + spec) of a Deployment, Job or CronJob. */}}
{{- define "sclib.podTemplate" -}}
metadata:
  labels:
    {{- include "sclib.labels" . | nindent 4 }}
  {{- with .podAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- include "sclib.podSpec" . | nindent 2 }}
{{- end -}}

{{/*
A Deployment. `replicas` is left out when an HPA owns the count; `strategy` is
"RollingUpdate" (default) or "Recreate" (singletons such as the outbox relay).
*/}}
{{- define "sclib.deployment" -}}
apiVersion: apps/v1
kind: Deployment
{{ include "sclib.metadata" . }}
spec:
  {{- if not .autoscaled }}
  replicas: {{ .replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "sclib.selectorLabels" . | nindent 6 }}
  strategy:
    {{- if eq (.strategy | default "RollingUpdate") "Recreate" }}
    type: Recreate
    {{- else }}
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
    {{- end }}
  template:
    {{- include "sclib.podTemplate" . | nindent 4 }}
{{- end -}}

{{/* A Job; `annotations` carry the Helm hook annotations when it is a hook. */}}
{{- define "sclib.job" -}}
apiVersion: batch/v1
kind: Job
{{ include "sclib.metadata" . }}
spec:
  backoffLimit: {{ .backoffLimit | default 3 }}
  {{- with .activeDeadlineSeconds }}
  activeDeadlineSeconds: {{ . }}
  {{- end }}
  ttlSecondsAfterFinished: {{ .ttlSecondsAfterFinished | default 86400 }}
  template:
    {{- include "sclib.podTemplate" (merge (dict "restartPolicy" "Never") .) | nindent 4 }}
{{- end -}}

{{/* A CronJob, suspended unless `suspend` is false: a template for on-demand Jobs. */}}
{{- define "sclib.cronjob" -}}
apiVersion: batch/v1
kind: CronJob
{{ include "sclib.metadata" . }}
spec:
  schedule: {{ .schedule | quote }}
  suspend: {{ .suspend }}
  concurrencyPolicy: Forbid
  successfulJobsHistoryLimit: 3
  failedJobsHistoryLimit: 3
  jobTemplate:
    metadata:
      labels:
        {{- include "sclib.labels" . | nindent 8 }}
    spec:
      backoffLimit: {{ .backoffLimit | default 0 }}
      {{- with .activeDeadlineSeconds }}
      activeDeadlineSeconds: {{ . }}
      {{- end }}
      ttlSecondsAfterFinished: {{ .ttlSecondsAfterFinished | default 604800 }}
      template:
        {{- include "sclib.podTemplate" (merge (dict "restartPolicy" "Never") .) | nindent 8 }}
{{- end -}}
