// Which pods a board shows: the seed's label (`blinkt: show`), podlights' own
// (`podlights.io/show: "true"`), or the board's configured label selector / showAll; limited to
// its clusters, namespaces and nodes.
import { parseLabelSelector } from '../sim/selectors.ts';
import type { LabelSelector } from '../sim/selectors.ts';
import type { LeanPod } from '../kube/lean.ts';

export interface SelectionConfig {
  clusters?: string[];
  namespaces?: string[];
  nodes?: string[];
  /** A Kubernetes label selector; pods matching it are shown even without the show labels. */
  selector?: string;
  /** Show every pod in scope, labelled or not. */
  showAll?: boolean;
}

export function isLabelledForDisplay(labels: Record<string, string>): boolean {
  return labels['blinkt'] === 'show' || labels['podlights.io/show'] === 'true';
}

export class Selection {
  private readonly selector: LabelSelector | undefined;

  constructor(private readonly config: SelectionConfig) {
    // Throws a readable error for a bad selector: the config check reports it before start.
    this.selector = config.selector ? parseLabelSelector(config.selector) : undefined;
  }

  includesCluster(name: string): boolean {
    return !this.config.clusters || this.config.clusters.length === 0 || this.config.clusters.includes(name);
  }

  includesNode(name: string): boolean {
    return !this.config.nodes || this.config.nodes.length === 0 || this.config.nodes.includes(name);
  }

  shows(pod: LeanPod): boolean {
    if (this.config.namespaces && this.config.namespaces.length > 0 && !this.config.namespaces.includes(pod.namespace)) return false;
    if (this.config.nodes && this.config.nodes.length > 0 && (pod.nodeName === undefined || !this.config.nodes.includes(pod.nodeName))) return false;
    if (this.config.showAll) return true;
    if (isLabelledForDisplay(pod.labels)) return true;
    return this.selector !== undefined && !this.selector.empty && this.selector.matches(pod.labels);
  }
}
