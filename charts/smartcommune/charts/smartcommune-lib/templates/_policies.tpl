{{/* ServiceAccount, Service, HPA, PodDisruptionBudget and NetworkPolicy. */}}

{{- define "sclib.serviceAccount" -}}
apiVersion: v1
kind: ServiceAccount
{{ include "sclib.metadata" . }}
automountServiceAccountToken: false
{{- end -}}

{{/* `ports`: [{name, port, appProtocol}] — the Service port equals the container port. */}}
{{- define "sclib.service" -}}
apiVersion: v1
kind: Service
{{ include "sclib.metadata" . }}
spec:
  type: ClusterIP
  selector:
    {{- include "sclib.selectorLabels" . | nindent 4 }}
  ports:
    {{- range .ports }}
    - name: {{ .name }}
      port: {{ .port }}
      targetPort: {{ .name }}
      protocol: TCP
      {{- with .appProtocol }}
      appProtocol: {{ . }}
      {{- end }}
    {{- end }}
{{- end -}}

{{/* `autoscaling`: {minReplicas, maxReplicas, targetCPUUtilizationPercentage}. */}}
{{- define "sclib.hpa" -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
{{ include "sclib.metadata" . }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "sclib.fullname" . }}
  minReplicas: {{ .autoscaling.minReplicas }}
  maxReplicas: {{ .autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .autoscaling.targetCPUUtilizationPercentage }}
{{- end -}}

{{/* `pdb`: {minAvailable} or {maxUnavailable}. */}}
{{- define "sclib.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
{{ include "sclib.metadata" . }}
spec:
  {{- if hasKey .pdb "maxUnavailable" }}
  maxUnavailable: {{ .pdb.maxUnavailable }}
  {{- else }}
  minAvailable: {{ .pdb.minAvailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "sclib.selectorLabels" . | nindent 6 }}
{{- end -}}

{{/*
A NetworkPolicy for the pods of one workload: both directions are denied except the given
`ingress` and `egress` rules (lists of NetworkPolicy rules, already built by the caller).
*/}}
{{- define "sclib.networkPolicy" -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
{{ include "sclib.metadata" . }}
spec:
  podSelector:
    matchLabels:
      {{- include "sclib.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    {{- with .ingress }}
    {{- toYaml . | nindent 4 }}
    {{- else }} []
    {{- end }}
  egress:
    {{- with .egress }}
    {{- toYaml . | nindent 4 }}
    {{- else }} []
    {{- end }}
{{- end -}}

{{/*
One egress/ingress peer from a values block {namespaceSelector, podSelector, ipBlocks, ports}:
a rule that reaches it on its ports (TCP). Returns a YAML list with one rule.
*/}}
{{- define "sclib.peerRule" -}}
{{- $peer := .peer -}}
- {{ .direction }}:
  {{- if $peer.ipBlocks }}
  {{- range $peer.ipBlocks }}
    - ipBlock:
        cidr: {{ . }}
  {{- end }}
  {{- else }}
    - namespaceSelector:
        {{- toYaml ($peer.namespaceSelector | default dict) | nindent 8 }}
      podSelector:
        {{- toYaml ($peer.podSelector | default dict) | nindent 8 }}
  {{- end }}
  ports:
  {{- range $peer.ports }}
    - port: {{ . }}
      protocol: TCP
  {{- end }}
{{- end -}}
