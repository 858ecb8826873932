/* openapi.c - the OpenAPI documents kubectl validates against (see openapi.h). */
#include "server/openapi.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hpa/arena.h"

/* The autoscaling/v2 definitions kubectl validates an HPA against, in the
 * OpenAPI v2 form of a real API server (kube-openapi names); refs are
 * "#/definitions/NAME". */
static const char OPENAPI_DEFS[] =
    "{\"io.k8s.api.autoscaling.v2.ContainerResourceMetricSource\":{\"description\":\"ContainerResourceMetricSourc"
    "e indicates how to scale on a resource metric of one container.\",\"properties\":{\"container\":{\"descripti"
    "on\":\"container is the name of the container in the pods of the scaling target\",\"type\":\"string\"},\"nam"
    "e\":{\"description\":\"name of the resource\",\"type\":\"string\"},\"target\":{\"$ref\":\"#/definitions/io.k"
    "8s.api.autoscaling.v2.MetricTarget\"}},\"required\":[\"name\",\"target\",\"container\"],\"type\":\"object\"}"
    ",\"io.k8s.api.autoscaling.v2.ContainerResourceMetricStatus\":{\"description\":\"ContainerResourceMetricStatu"
    "s: the current value of a resource metric of one container.\",\"properties\":{\"container\":{\"type\":\"stri"
    "ng\"},\"current\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.MetricValueStatus\"},\"name\":{\"type"
    "\":\"string\"}},\"required\":[\"name\",\"current\",\"container\"],\"type\":\"object\"},\"io.k8s.api.autoscal"
    "ing.v2.CrossVersionObjectReference\":{\"description\":\"CrossVersionObjectReference contains enough informat"
    "ion to let you identify the referred resource.\",\"properties\":{\"apiVersion\":{\"description\":\"apiVersio"
    "n is the API version of the referent\",\"type\":\"string\"},\"kind\":{\"description\":\"kind is the kind of "
    "the referent\",\"type\":\"string\"},\"name\":{\"description\":\"name is the name of the referent\",\"type\":"
    "\"string\"}},\"required\":[\"kind\",\"name\"],\"type\":\"object\"},\"io.k8s.api.autoscaling.v2.ExternalMetri"
    "cSource\":{\"description\":\"ExternalMetricSource indicates how to scale on a metric not associated with any"
    " Kubernetes object.\",\"properties\":{\"metric\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.MetricI"
    "dentifier\"},\"target\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.MetricTarget\"}},\"required\":["
    "\"metric\",\"target\"],\"type\":\"object\"},\"io.k8s.api.autoscaling.v2.ExternalMetricStatus\":{\"descriptio"
    "n\":\"ExternalMetricStatus: the current value of a global metric.\",\"properties\":{\"current\":{\"$ref\":\""
    "#/definitions/io.k8s.api.autoscaling.v2.MetricValueStatus\"},\"metric\":{\"$ref\":\"#/definitions/io.k8s.api"
    ".autoscaling.v2.MetricIdentifier\"}},\"required\":[\"metric\",\"current\"],\"type\":\"object\"},\"io.k8s.api"
    ".autoscaling.v2.HPAScalingPolicy\":{\"description\":\"HPAScalingPolicy is a single policy which must hold tr"
    "ue for a specified past interval.\",\"properties\":{\"periodSeconds\":{\"description\":\"the window of time "
    "for which the policy should hold true (0 < x <= 1800)\",\"format\":\"int32\",\"type\":\"integer\"},\"type\":"
    "{\"description\":\"Pods or Percent\",\"type\":\"string\"},\"value\":{\"description\":\"the amount of change "
    "which is permitted by the policy (> 0)\",\"format\":\"int32\",\"type\":\"integer\"}},\"required\":[\"type\","
    "\"value\",\"periodSeconds\"],\"type\":\"object\"},\"io.k8s.api.autoscaling.v2.HPAScalingRules\":{\"descripti"
    "on\":\"HPAScalingRules configures the scaling behavior for one direction.\",\"properties\":{\"policies\":{\""
    "items\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.HPAScalingPolicy\"},\"type\":\"array\"},\"select"
    "Policy\":{\"description\":\"Max, Min or Disabled\",\"type\":\"string\"},\"stabilizationWindowSeconds\":{\"de"
    "scription\":\"seconds for which past recommendations are considered\",\"format\":\"int32\",\"type\":\"intege"
    "r\"},\"tolerance\":{\"$ref\":\"#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity\"}},\"type\":\"ob"
    "ject\"},\"io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler\":{\"description\":\"HorizontalPodAutoscaler is "
    "the configuration for a horizontal pod autoscaler.\",\"properties\":{\"apiVersion\":{\"description\":\"APIVe"
    "rsion defines the versioned schema of this representation of an object.\",\"type\":\"string\"},\"kind\":{\"d"
    "escription\":\"Kind is a string value representing the REST resource this object represents.\",\"type\":\"st"
    "ring\"},\"metadata\":{\"$ref\":\"#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta\"},\"spec\":{"
    "\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec\"},\"status\":{\"$ref\":\"#/d"
    "efinitions/io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus\"}},\"type\":\"object\",\"x-kubernetes-gr"
    "oup-version-kind\":[{\"group\":\"autoscaling\",\"kind\":\"HorizontalPodAutoscaler\",\"version\":\"v2\"},{\"g"
    "roup\":\"autoscaling\",\"kind\":\"HorizontalPodAutoscaler\",\"version\":\"v2beta2\"}]},\"io.k8s.api.autoscal"
    "ing.v2.HorizontalPodAutoscalerBehavior\":{\"description\":\"HorizontalPodAutoscalerBehavior configures the s"
    "caling behavior of the target in both Up and Down directions.\",\"properties\":{\"scaleDown\":{\"$ref\":\"#/"
    "definitions/io.k8s.api.autoscaling.v2.HPAScalingRules\"},\"scaleUp\":{\"$ref\":\"#/definitions/io.k8s.api.au"
    "toscaling.v2.HPAScalingRules\"}},\"type\":\"object\"},\"io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerCon"
    "dition\":{\"description\":\"HorizontalPodAutoscalerCondition describes the state of a HorizontalPodAutoscale"
    "r at a certain point.\",\"properties\":{\"lastTransitionTime\":{\"$ref\":\"#/definitions/io.k8s.apimachinery"
    ".pkg.apis.meta.v1.Time\"},\"message\":{\"type\":\"string\"},\"reason\":{\"type\":\"string\"},\"status\":{\"t"
    "ype\":\"string\"},\"type\":{\"type\":\"string\"}},\"required\":[\"type\",\"status\"],\"type\":\"object\"},\""
    "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerList\":{\"description\":\"HorizontalPodAutoscalerList is a "
    "list of horizontal pod autoscaler objects.\",\"properties\":{\"apiVersion\":{\"type\":\"string\"},\"items\":"
    "{\"items\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler\"},\"type\":\"array\""
    "},\"kind\":{\"type\":\"string\"},\"metadata\":{\"$ref\":\"#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1"
    ".ListMeta\"}},\"required\":[\"items\"],\"type\":\"object\",\"x-kubernetes-group-version-kind\":[{\"group\":"
    "\"autoscaling\",\"kind\":\"HorizontalPodAutoscalerList\",\"version\":\"v2\"},{\"group\":\"autoscaling\",\"ki"
    "nd\":\"HorizontalPodAutoscalerList\",\"version\":\"v2beta2\"}]},\"io.k8s.api.autoscaling.v2.HorizontalPodAut"
    "oscalerSpec\":{\"description\":\"HorizontalPodAutoscalerSpec describes the desired functionality of the Hori"
    "zontalPodAutoscaler.\",\"properties\":{\"behavior\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.Hori"
    "zontalPodAutoscalerBehavior\"},\"maxReplicas\":{\"description\":\"upper limit for the number of replicas\","
    "\"format\":\"int32\",\"type\":\"integer\"},\"metrics\":{\"description\":\"the specifications for which to us"
    "e to calculate the desired replica count\",\"items\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.Met"
    "ricSpec\"},\"type\":\"array\"},\"minReplicas\":{\"description\":\"lower limit for the number of replicas\","
    "\"format\":\"int32\",\"type\":\"integer\"},\"scaleTargetRef\":{\"$ref\":\"#/definitions/io.k8s.api.autoscali"
    "ng.v2.CrossVersionObjectReference\"}},\"required\":[\"scaleTargetRef\",\"maxReplicas\"],\"type\":\"object\"}"
    ",\"io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus\":{\"description\":\"HorizontalPodAutoscalerStatu"
    "s describes the current status of a horizontal pod autoscaler.\",\"properties\":{\"conditions\":{\"items\":{"
    "\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerCondition\"},\"type\":\"array\"},"
    "\"currentMetrics\":{\"items\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.MetricStatus\"},\"type\":"
    "\"array\"},\"currentReplicas\":{\"description\":\"current number of replicas\",\"format\":\"int32\",\"type\""
    ":\"integer\"},\"desiredReplicas\":{\"description\":\"desired number of replicas\",\"format\":\"int32\",\"typ"
    "e\":\"integer\"},\"lastScaleTime\":{\"$ref\":\"#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time\"},\""
    "observedGeneration\":{\"description\":\"the most recent generation observed\",\"format\":\"int64\",\"type\":"
    "\"integer\"}},\"required\":[\"desiredReplicas\"],\"type\":\"object\"},\"io.k8s.api.autoscaling.v2.MetricIden"
    "tifier\":{\"description\":\"MetricIdentifier defines the name and optionally selector for a metric\",\"prope"
    "rties\":{\"name\":{\"description\":\"name is the name of the given metric\",\"type\":\"string\"},\"selector"
    "\":{\"$ref\":\"#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector\"}},\"required\":[\"name\"],"
    "\"type\":\"object\"},\"io.k8s.api.autoscaling.v2.MetricSpec\":{\"description\":\"MetricSpec specifies how to"
    " scale based on a single metric.\",\"properties\":{\"containerResource\":{\"$ref\":\"#/definitions/io.k8s.ap"
    "i.autoscaling.v2.ContainerResourceMetricSource\"},\"external\":{\"$ref\":\"#/definitions/io.k8s.api.autoscal"
    "ing.v2.ExternalMetricSource\"},\"object\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.ObjectMetricSo"
    "urce\"},\"pods\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.PodsMetricSource\"},\"resource\":{\"$re"
    "f\":\"#/definitions/io.k8s.api.autoscaling.v2.ResourceMetricSource\"},\"type\":{\"description\":\"type is th"
    "e type of metric source: ContainerResource, External, Object, Pods or Resource\",\"type\":\"string\"}},\"req"
    "uired\":[\"type\"],\"type\":\"object\"},\"io.k8s.api.autoscaling.v2.MetricStatus\":{\"description\":\"Metric"
    "Status describes the last-read state of a single metric.\",\"properties\":{\"containerResource\":{\"$ref\":"
    "\"#/definitions/io.k8s.api.autoscaling.v2.ContainerResourceMetricStatus\"},\"external\":{\"$ref\":\"#/defini"
    "tions/io.k8s.api.autoscaling.v2.ExternalMetricStatus\"},\"object\":{\"$ref\":\"#/definitions/io.k8s.api.auto"
    "scaling.v2.ObjectMetricStatus\"},\"pods\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.PodsMetricStat"
    "us\"},\"resource\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.ResourceMetricStatus\"},\"type\":{\"d"
    "escription\":\"type is the type of metric source\",\"type\":\"string\"}},\"required\":[\"type\"],\"type\":\""
    "object\"},\"io.k8s.api.autoscaling.v2.MetricTarget\":{\"description\":\"MetricTarget defines the target valu"
    "e, average value, or average utilization of a specific metric\",\"properties\":{\"averageUtilization\":{\"de"
    "scription\":\"target value of the average of the resource metric across all relevant pods, as a percentage\""
    ",\"format\":\"int32\",\"type\":\"integer\"},\"averageValue\":{\"$ref\":\"#/definitions/io.k8s.apimachinery.p"
    "kg.api.resource.Quantity\"},\"type\":{\"description\":\"type represents whether the metric type is Utilizati"
    "on, Value, or AverageValue\",\"type\":\"string\"},\"value\":{\"$ref\":\"#/definitions/io.k8s.apimachinery.pk"
    "g.api.resource.Quantity\"}},\"required\":[\"type\"],\"type\":\"object\"},\"io.k8s.api.autoscaling.v2.MetricV"
    "alueStatus\":{\"description\":\"MetricValueStatus holds the current value for a metric\",\"properties\":{\"a"
    "verageUtilization\":{\"description\":\"current average utilization, as a percentage\",\"format\":\"int32\","
    "\"type\":\"integer\"},\"averageValue\":{\"$ref\":\"#/definitions/io.k8s.apimachinery.pkg.api.resource.Quanti"
    "ty\"},\"value\":{\"$ref\":\"#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity\"}},\"type\":\"objec"
    "t\"},\"io.k8s.api.autoscaling.v2.ObjectMetricSource\":{\"description\":\"ObjectMetricSource indicates how to"
    " scale on a metric describing a kubernetes object.\",\"properties\":{\"describedObject\":{\"$ref\":\"#/defin"
    "itions/io.k8s.api.autoscaling.v2.CrossVersionObjectReference\"},\"metric\":{\"$ref\":\"#/definitions/io.k8s."
    "api.autoscaling.v2.MetricIdentifier\"},\"target\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.Metric"
    "Target\"}},\"required\":[\"describedObject\",\"target\",\"metric\"],\"type\":\"object\"},\"io.k8s.api.autosc"
    "aling.v2.ObjectMetricStatus\":{\"description\":\"ObjectMetricStatus: the current value of a metric describin"
    "g a kubernetes object.\",\"properties\":{\"current\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.Met"
    "ricValueStatus\"},\"describedObject\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.CrossVersionObject"
    "Reference\"},\"metric\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.MetricIdentifier\"}},\"required"
    "\":[\"metric\",\"current\",\"describedObject\"],\"type\":\"object\"},\"io.k8s.api.autoscaling.v2.PodsMetricS"
    "ource\":{\"description\":\"PodsMetricSource indicates how to scale on a metric describing each pod in the cu"
    "rrent scale target.\",\"properties\":{\"metric\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.MetricI"
    "dentifier\"},\"target\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.MetricTarget\"}},\"required\":["
    "\"metric\",\"target\"],\"type\":\"object\"},\"io.k8s.api.autoscaling.v2.PodsMetricStatus\":{\"description\":"
    "\"PodsMetricStatus: the current value of a metric describing each pod.\",\"properties\":{\"current\":{\"$ref"
    "\":\"#/definitions/io.k8s.api.autoscaling.v2.MetricValueStatus\"},\"metric\":{\"$ref\":\"#/definitions/io.k8"
    "s.api.autoscaling.v2.MetricIdentifier\"}},\"required\":[\"metric\",\"current\"],\"type\":\"object\"},\"io.k8"
    "s.api.autoscaling.v2.ResourceMetricSource\":{\"description\":\"ResourceMetricSource indicates how to scale o"
    "n a resource metric known to Kubernetes.\",\"properties\":{\"name\":{\"description\":\"name is the name of t"
    "he resource in question.\",\"type\":\"string\"},\"target\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling."
    "v2.MetricTarget\"}},\"required\":[\"name\",\"target\"],\"type\":\"object\"},\"io.k8s.api.autoscaling.v2.Reso"
    "urceMetricStatus\":{\"description\":\"ResourceMetricStatus: the current value of a resource metric.\",\"prop"
    "erties\":{\"current\":{\"$ref\":\"#/definitions/io.k8s.api.autoscaling.v2.MetricValueStatus\"},\"name\":{\"t"
    "ype\":\"string\"}},\"required\":[\"name\",\"current\"],\"type\":\"object\"},\"io.k8s.apimachinery.pkg.api.re"
    "source.Quantity\":{\"description\":\"Quantity is a fixed-point representation of a number (\\\"500m\\\", \\"
    "\"1Gi\\\").\",\"type\":\"string\"},\"io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector\":{\"description\":"
    "\"A label selector is a label query over a set of resources.\",\"properties\":{\"matchExpressions\":{\"items"
    "\":{\"$ref\":\"#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement\"},\"type\":\"arr"
    "ay\"},\"matchLabels\":{\"additionalProperties\":{\"type\":\"string\"},\"type\":\"object\"}},\"type\":\"objec"
    "t\"},\"io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement\":{\"description\":\"A label selector r"
    "equirement.\",\"properties\":{\"key\":{\"description\":\"key is the label key that the selector applies to."
    "\",\"type\":\"string\"},\"operator\":{\"description\":\"In, NotIn, Exists and DoesNotExist.\",\"type\":\"str"
    "ing\"},\"values\":{\"items\":{\"type\":\"string\"},\"type\":\"array\"}},\"required\":[\"key\",\"operator\"],"
    "\"type\":\"object\"},\"io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta\":{\"description\":\"ListMeta describes"
    " metadata that synthetic resources must have.\",\"properties\":{\"continue\":{\"type\":\"string\"},\"remaini"
    "ngItemCount\":{\"description\":\"remaining items\",\"format\":\"int64\",\"type\":\"integer\"},\"resourceVers"
    "ion\":{\"type\":\"string\"},\"selfLink\":{\"type\":\"string\"}},\"type\":\"object\"},\"io.k8s.apimachinery.p"
    "kg.apis.meta.v1.ManagedFieldsEntry\":{\"description\":\"ManagedFieldsEntry is a workflow-id, a FieldSet and "
    "the group version of the resource that the fieldset applies to.\",\"properties\":{\"apiVersion\":{\"type\":"
    "\"string\"},\"fieldsType\":{\"type\":\"string\"},\"fieldsV1\":{\"type\":\"object\"},\"manager\":{\"type\":\""
    "string\"},\"operation\":{\"type\":\"string\"},\"subresource\":{\"type\":\"string\"},\"time\":{\"$ref\":\"#/d"
    "efinitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time\"}},\"type\":\"object\"},\"io.k8s.apimachinery.pkg.apis"
    ".meta.v1.ObjectMeta\":{\"description\":\"ObjectMeta is metadata that all persisted resources must have.\",\""
    "properties\":{\"annotations\":{\"additionalProperties\":{\"type\":\"string\"},\"description\":\"Annotations "
    "is an unstructured key value map.\",\"type\":\"object\"},\"creationTimestamp\":{\"$ref\":\"#/definitions/io."
    "k8s.apimachinery.pkg.apis.meta.v1.Time\"},\"deletionGracePeriodSeconds\":{\"description\":\"Seconds allowed "
    "for graceful termination.\",\"format\":\"int64\",\"type\":\"integer\"},\"deletionTimestamp\":{\"$ref\":\"#/d"
    "efinitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time\"},\"finalizers\":{\"items\":{\"type\":\"string\"},\"ty"
    "pe\":\"array\"},\"generateName\":{\"description\":\"Prefix of a generated name.\",\"type\":\"string\"},\"gen"
    "eration\":{\"description\":\"A sequence number representing a specific generation of the desired state.\",\""
    "format\":\"int64\",\"type\":\"integer\"},\"labels\":{\"additionalProperties\":{\"type\":\"string\"},\"descri"
    "ption\":\"Map of string keys and values.\",\"type\":\"object\"},\"managedFields\":{\"items\":{\"$ref\":\"#/d"
    "efinitions/io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry\"},\"type\":\"array\"},\"name\":{\"descri"
    "ption\":\"Name must be unique within a namespace.\",\"type\":\"string\"},\"namespace\":{\"description\":\"Na"
    "mespace defines the space within which each name must be unique.\",\"type\":\"string\"},\"ownerReferences\":"
    "{\"items\":{\"$ref\":\"#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference\"},\"type\":\"array"
    "\"},\"resourceVersion\":{\"description\":\"An opaque value that represents the internal version of this obje"
    "ct.\",\"type\":\"string\"},\"selfLink\":{\"type\":\"string\"},\"uid\":{\"description\":\"UID is the unique i"
    "n time and space value for this object.\",\"type\":\"string\"}},\"type\":\"object\"},\"io.k8s.apimachinery.p"
    "kg.apis.meta.v1.OwnerReference\":{\"description\":\"OwnerReference contains enough information to let you id"
    "entify an owning object.\",\"properties\":{\"apiVersion\":{\"description\":\"API version of the referent.\","
    "\"type\":\"string\"},\"blockOwnerDeletion\":{\"type\":\"boolean\"},\"controller\":{\"type\":\"boolean\"},\"k"
    "ind\":{\"description\":\"Kind of the referent.\",\"type\":\"string\"},\"name\":{\"description\":\"Name of th"
    "e referent.\",\"type\":\"string\"},\"uid\":{\"description\":\"UID of the referent.\",\"type\":\"string\"}},"
    "\"required\":[\"apiVersion\",\"kind\",\"name\",\"uid\"],\"type\":\"object\"},\"io.k8s.apimachinery.pkg.apis."
    "meta.v1.Time\":{\"description\":\"Time is a wrapper around time.Time in RFC 3339 form.\",\"format\":\"date-t"
    "ime\",\"type\":\"string\"}}";

static const char *const SIMS_OPENAPI_V3_GROUPS[] = {"apis/autoscaling/v2", "apis/autoscaling/v2beta2"};

static const char V2_PREFIX[] = "#/definitions/";
static const char V3_PREFIX[] = "#/components/schemas/";

static json_t *defs(void)
{
    return json_loads(OPENAPI_DEFS, 0, NULL);
}

json_t *sims_openapi_v2(void)
{
    return json_pack("{s:s,s:{s:s,s:s},s:{},s:o}", "swagger", "2.0", "info", "title", "Kubernetes", "version",
                     SIMS_OPENAPI_VERSION, "paths", "definitions", defs());
}

/* Every "$ref" from the v2 form to the v3 one, in place. */
static void rewrite_refs(json_t *j)
{
    const char *k;
    json_t *v;
    size_t i;

    if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            rewrite_refs(v);
        return;
    }
    json_object_foreach(j, k, v) {
        const char *r = json_string_value(v);
        if (!strcmp(k, "$ref") && r && !strncmp(r, V2_PREFIX, sizeof(V2_PREFIX) - 1)) {
            char buf[256];
            snprintf(buf, sizeof(buf), "%s%s", V3_PREFIX, r + sizeof(V2_PREFIX) - 1);
            json_string_set(v, buf);
        } else {
            rewrite_refs(v);
        }
    }
}

json_t *sims_openapi_v3_root(void)
{
    json_t *paths = json_object();
    size_t i;

    for (i = 0; i < sizeof(SIMS_OPENAPI_V3_GROUPS) / sizeof(SIMS_OPENAPI_V3_GROUPS[0]); i++) {
        char url[128];
        snprintf(url, sizeof(url), "/openapi/v3/%s?hash=%s", SIMS_OPENAPI_V3_GROUPS[i], SIMS_OPENAPI_HASH);
        json_object_set_new(paths, SIMS_OPENAPI_V3_GROUPS[i], json_pack("{s:s}", "serverRelativeURL", url));
    }
    return json_pack("{s:o}", "paths", paths);
}

json_t *sims_openapi_v3_group(const char *group_path)
{
    size_t i;
    json_t *d;

    for (i = 0; i < sizeof(SIMS_OPENAPI_V3_GROUPS) / sizeof(SIMS_OPENAPI_V3_GROUPS[0]); i++)
        if (!strcmp(group_path, SIMS_OPENAPI_V3_GROUPS[i]))
            break;
    if (i == sizeof(SIMS_OPENAPI_V3_GROUPS) / sizeof(SIMS_OPENAPI_V3_GROUPS[0]) || !(d = defs()))
        return NULL;
    rewrite_refs(d);
    return json_pack("{s:s,s:{s:s,s:s},s:{},s:{s:o}}", "openapi", "3.0.0", "info", "title", "Kubernetes", "version",
                     SIMS_OPENAPI_VERSION, "paths", "components", "schemas", d);
}

/* ---- protobuf (gnostic openapi_v2.Document), what kubectl 1.20 reads ---- */

static void pb_varint(hpa_strbuf *b, uint64_t v)
{
    char c[10];
    size_t n = 0;

    do {
        c[n++] = (char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    hpa_strbuf_appendn(b, c, n);
}

static void pb_bytes(hpa_strbuf *b, unsigned field, const char *s, size_t n)
{
    pb_varint(b, (uint64_t)field << 3 | 2);
    pb_varint(b, n);
    hpa_strbuf_appendn(b, s, n);
}

static void pb_str(hpa_strbuf *b, unsigned field, const char *s)
{
    pb_bytes(b, field, s, strlen(s));
}

/* A nested message: `m` is consumed. */
static void pb_msg(hpa_strbuf *b, unsigned field, hpa_strbuf *m)
{
    if (m->oom)
        b->oom = 1;
    pb_bytes(b, field, m->s ? m->s : "", m->len);
    hpa_strbuf_free(m);
}

static void pb_schema(hpa_strbuf *b, const json_t *sch);

/* NamedSchema {1 name, 2 value} */
static void pb_named_schema(hpa_strbuf *b, unsigned field, const char *name, const json_t *sch)
{
    hpa_strbuf m = HPA_STRBUF_INIT, v = HPA_STRBUF_INIT;

    pb_str(&m, 1, name);
    pb_schema(&v, sch);
    pb_msg(&m, 2, &v);
    pb_msg(b, field, &m);
}

/* Schema: 1 $ref, 2 format, 4 description, 19 required, 21 additionalProperties,
 * 22 type, 23 items, 25 properties, 31 vendor extensions (NamedAny with YAML;
 * JSON is YAML). */
static void pb_schema(hpa_strbuf *b, const json_t *sch)
{
    const char *k, *s;
    json_t *v;
    size_t i;

    if ((s = json_string_value(json_object_get(sch, "$ref"))))
        pb_str(b, 1, s);
    if ((s = json_string_value(json_object_get(sch, "format"))))
        pb_str(b, 2, s);
    if ((s = json_string_value(json_object_get(sch, "description"))))
        pb_str(b, 4, s);
    json_array_foreach(json_object_get(sch, "required"), i, v)
        pb_str(b, 19, json_string_value(v));
    if (json_is_object(v = json_object_get(sch, "additionalProperties"))) {
        hpa_strbuf m = HPA_STRBUF_INIT, x = HPA_STRBUF_INIT;
        pb_schema(&x, v);
        pb_msg(&m, 1, &x);
        pb_msg(b, 21, &m);
    }
    if ((s = json_string_value(json_object_get(sch, "type")))) {
        hpa_strbuf m = HPA_STRBUF_INIT;
        pb_str(&m, 1, s);
        pb_msg(b, 22, &m);
    }
    if (json_is_object(v = json_object_get(sch, "items"))) {
        hpa_strbuf m = HPA_STRBUF_INIT, x = HPA_STRBUF_INIT;
        pb_schema(&x, v);
        pb_msg(&m, 1, &x);
        pb_msg(b, 23, &m);
    }
    if (json_is_object(v = json_object_get(sch, "properties"))) {
        hpa_strbuf m = HPA_STRBUF_INIT;
        const char *pk;
        json_t *pv;
        json_object_foreach(v, pk, pv)
            pb_named_schema(&m, 1, pk, pv);
        pb_msg(b, 25, &m);
    }
    json_object_foreach((json_t *)sch, k, v) {
        hpa_strbuf m = HPA_STRBUF_INIT, any = HPA_STRBUF_INIT;
        char *yaml;
        if (strncmp(k, "x-", 2) || !(yaml = json_dumps(v, JSON_COMPACT)))
            continue;
        pb_str(&any, 2, yaml);
        free(yaml);
        pb_str(&m, 1, k);
        pb_msg(&m, 2, &any);
        pb_msg(b, 31, &m);
    }
}

char *sims_openapi_v2_pb(size_t *len)
{
    hpa_strbuf b = HPA_STRBUF_INIT, info = HPA_STRBUF_INIT, dm = HPA_STRBUF_INIT;
    json_t *d = defs();
    const char *k;
    json_t *v;

    if (!d)
        return NULL;
    pb_str(&b, 1, "2.0");
    pb_str(&info, 1, "Kubernetes");
    pb_str(&info, 2, SIMS_OPENAPI_VERSION);
    pb_msg(&b, 2, &info);
    json_object_foreach(d, k, v)
        pb_named_schema(&dm, 1, k, v);
    pb_msg(&b, 9, &dm);
    json_decref(d);
    if (b.oom) {
        hpa_strbuf_free(&b);
        return NULL;
    }
    *len = b.len;
    return b.s;
}
